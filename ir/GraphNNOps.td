//===- GraphNNOps.td - neural-network graph ops -----------------*- tablegen -*-===//
//
// Matrix products, convolution, pooling, normalization, softmax, resizing and
// signal windows.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHNNOPS_TD
#define KILN_IR_GRAPHNNOPS_TD

include "ir/GraphBase.td"

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_InferredOp<"matmul"> {
  let summary = "numpy-style matrix product";
  let description = [{
    Matrix product with numpy semantics: 1-D operands are promoted to matrices
    (and the added dimension removed from the result), and leading batch
    dimensions broadcast.

    ```mlir
    %y = graph.matmul %a, %b : (tensor<2x8x16xf32>, tensor<16x4xf32>) -> tensor<2x8x4xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$lhs, Graph_NumericTensor:$rhs);
  let results = (outs Graph_NumericTensor:$output);
  let hasVerifier = 1;
}

def Graph_GemmOp : Graph_InferredOp<"gemm"> {
  let summary = "general matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    `alpha * A' * B' + beta * C` where `A'` is `A` transposed if `transA` and
    likewise for `B`. `C` is optional and broadcasts unidirectionally to the
    `M x N` result.

    ```mlir
    %y = graph.gemm %a, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true}
        : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$a, Graph_NumericTensor:$b,
                       Optional<Graph_NumericTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Graph_NumericTensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

def Graph_ConvOp : Graph_InferredOp<"conv"> {
  let summary = "N-D convolution (NCHW-style layout)";
  let description = [{
    Convolution of `input` (N x C x D1 x ... x Dn) with `weight`
    (M x C/group x k1 x ... x kn) plus an optional per-channel `bias` (M).
    The importer normalizes ONNX's optional attributes: `kernel_shape`,
    `strides`, `dilations` (n values each) and `pads` (2n values: all begins,
    then all ends) are always present, and `auto_pad` is resolved into explicit
    `pads` when the spatial dimensions are static (it is then "NOTSET").

    ```mlir
    %y = graph.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>,
        group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
        strides = array<i64: 1, 1>}
        : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input, Graph_NumericTensor:$weight,
                       Optional<Graph_NumericTensor>:$bias,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad);
  let results = (outs Graph_NumericTensor:$output);
  let hasVerifier = 1;
}

def Graph_ConvTransposeOp : Graph_InferredOp<"conv_transpose"> {
  let summary = "N-D transposed convolution";
  let description = [{
    The gradient of convolution with respect to its input, used for upsampling.
    `weight` is C x M/group x k1 x ... x kn. Attributes are normalized as for
    `graph.conv`; `output_padding` has n values. When ONNX gave `output_shape`,
    the importer converts it into `pads`.

    ```mlir
    %y = graph.conv_transpose %x, %w {...}
        : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                       Optional<Graph_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad);
  let results = (outs Graph_FloatTensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Graph_WindowPoolOp<string mnemonic, string what>
    : Graph_InferredOp<mnemonic> {
  let summary = what # " pooling over sliding windows";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      ::kiln::graph::detail::WindowParams window{adaptor.getKernelShape(),
          adaptor.getStrides(), adaptor.getDilations(), adaptor.getPads(),
          adaptor.getAutoPad(), adaptor.getCeilMode()};
      return ::kiln::graph::detail::inferPooling(location, adaptor.getInput(),
          window, inferredReturnTypes);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      ::kiln::graph::detail::WindowParams window{getKernelShape(), getStrides(),
          getDilations(), getPads(), getAutoPad(), getCeilMode()};
      return ::kiln::graph::detail::verifyWindow(getOperation(),
          getInput().getType().getRank(), window);
    }
  }];
}

def Graph_MaxPoolOp : Graph_WindowPoolOp<"max_pool", "max"> {
  let description = [{
    Max over `kernel_shape` windows of the spatial dimensions of an
    N x C x D1 x ... x Dn tensor. Attributes are normalized like `graph.conv`;
    `ceil_mode` rounds the output size up. A model that reads ONNX MaxPool's
    `Indices` output gets `graph.max_pool_with_indices` instead.

    ```mlir
    %y = graph.max_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1>,
        kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
        : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad);
  let results = (outs Graph_NumericTensor:$output);
}

def Graph_MaxPoolWithIndicesOp : Graph_InferredOp<"max_pool_with_indices"> {
  let summary = "max pooling that also returns where each maximum is";
  let description = [{
    `graph.max_pool` plus ONNX MaxPool's `Indices` output: for each output
    element, the flattened index of the selected input element (the first
    maximum in window order), counting in the unpadded input. With
    `storage_order` = 0 the index is row-major over N x C x D1 x ... x Dn;
    with 1 the spatial part is column-major (D1 varies fastest), that is
    `(n * C + c) * (D1 * ... * Dn) + d1 + D1 * (d2 + D2 * (...))`.

    ```mlir
    %y, %i = graph.max_pool_with_indices %x {auto_pad = "NOTSET", ceil_mode = false,
        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
        pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>}
        : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs Graph_NumericTensor:$output, Graph_I64Tensor:$indices);
  let hasVerifier = 1;
}

def Graph_AveragePoolOp : Graph_WindowPoolOp<"average_pool", "average"> {
  let description = [{
    Mean over `kernel_shape` windows. With `count_include_pad` the padding
    elements count in the divisor.

    ```mlir
    %y = graph.average_pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false,
        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
        strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad);
  let results = (outs Graph_FloatTensor:$output);
}

def Graph_LpPoolOp : Graph_WindowPoolOp<"lp_pool", "Lp-norm"> {
  let description = "`(sum |x|^p)^(1/p)` over `kernel_shape` windows.";
  let arguments = (ins Graph_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "2">:$p,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<StrAttr, "\"NOTSET\"">:$auto_pad);
  let results = (outs Graph_FloatTensor:$output);
}

class Graph_GlobalPoolOp<string mnemonic, string what>
    : Graph_InferredOp<mnemonic> {
  let summary = what # " over all spatial dimensions";
  let description = "Reduces every spatial dimension of an N x C x D1 x ... x Dn "
      # "tensor to 1 with " # what # ".\n\n```mlir\n%y = graph." # mnemonic
      # " %x : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>\n```";
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_FloatTensor:$output);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return ::kiln::graph::detail::inferGlobalPooling(adaptor.getInput(),
          inferredReturnTypes);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      if (getInput().getType().getRank() < 3)
        return emitOpError("expects an N x C x D1 x ... input of rank >= 3, got rank ")
               << getInput().getType().getRank();
      return ::mlir::success();
    }
  }];
}

def Graph_GlobalAveragePoolOp : Graph_GlobalPoolOp<"global_average_pool", "the mean">;
def Graph_GlobalMaxPoolOp : Graph_GlobalPoolOp<"global_max_pool", "the maximum">;

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Graph_BatchNormOp : Graph_Op<"batch_norm", [AllTypesMatch<["input", "output"]>]> {
  let summary = "batch normalization with running statistics (inference)";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (dimension 1).
    Training mode is rejected at import.

    ```mlir
    %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
        -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Graph_FloatTensor:$bias, Graph_FloatTensor:$mean,
                       Graph_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_InstanceNormOp : Graph_Op<"instance_norm", [AllTypesMatch<["input", "output"]>]> {
  let summary = "instance normalization";
  let description = [{
    Normalizes each (n, c) slice over its spatial dimensions, then applies the
    per-channel `scale` and `bias`.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Graph_FloatTensor:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_InferredOp<"layer_norm"> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over dimensions `axis` .. rank-1 (mean 0, variance 1, plus
    `epsilon`), then multiplies by `scale` and adds the optional `bias`, both
    broadcast to those dimensions. `axis` is normalized to be non-negative.

    The statistics are computed in `stash_type` (f32 when absent, ONNX's
    default; ONNX's function body casts the input to it) and are also results,
    ONNX's optional `Mean` and `InvStdDev` outputs: the input's shape with the
    normalized dimensions set to 1. They are intermediate values of the
    computation, so unused ones cost nothing.

    ```mlir
    %y, %mean, %inv_std_dev = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
        -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Optional<Graph_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon,
                       OptionalAttr<TypeAttrOf<AnyFloat>>:$stash_type);
  let results = (outs Graph_FloatTensor:$output, Graph_FloatTensor:$mean,
                      Graph_FloatTensor:$inv_std_dev);
  let hasVerifier = 1;
}

def Graph_LRNOp : Graph_UnaryOp<"lrn", Graph_FloatTensor> {
  let summary = "local response normalization across channels";
  let description = [{
    `x / (bias + alpha / size * sum of squares over size neighbouring channels)^beta`.
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$size,
                       DefaultValuedAttr<F32Attr, "0.0001f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.75f">:$beta,
                       DefaultValuedAttr<F32Attr, "1.0f">:$bias);
}

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

class Graph_SoftmaxLikeOp<string mnemonic, string formula>
    : Graph_UnaryOp<mnemonic, Graph_FloatTensor> {
  let summary = formula # " along one axis";
  let description = "Computes " # formula # " along `axis` (non-negative after "
      # "import). Opsets before 13 defined it on the input flattened to 2-D at "
      # "`axis`; the importer rewrites such nodes into this form with reshapes "
      # "when the two differ.\n\n```mlir\n%y = graph." # mnemonic
      # " %x {axis = 1 : i64} : tensor<1x1000xf32>\n```";
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::kiln::graph::detail::verifyAxis(getOperation(), getAxis(),
          getInput().getType().getRank());
    }
  }];
}

def Graph_SoftmaxOp : Graph_SoftmaxLikeOp<"softmax", "softmax">;
def Graph_LogSoftmaxOp : Graph_SoftmaxLikeOp<"log_softmax", "log of softmax">;
def Graph_HardmaxOp : Graph_SoftmaxLikeOp<"hardmax", "one-hot of the first maximum">;

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

def Graph_ResizeOp : Graph_Op<"resize", [AttrSizedOperandSegments]> {
  let summary = "resizes a tensor by interpolation";
  let description = [{
    Resizes `input` to the size given by `sizes`, or by `scales` times the
    input size (exactly one is present), interpolating with `mode`
    ("nearest", "linear", "cubic") and mapping output to input coordinates by
    `coordinate_transformation_mode`. `roi` is used only by
    "tf_crop_and_resize". ONNX Upsample is imported as this op.
    The result type comes from ONNX shape inference or from constant
    `scales`/`sizes`; the verifier checks its rank and element type.

    ```mlir
    %y = graph.resize %x, %scales {coordinate_transformation_mode = "asymmetric",
        cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false,
        extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor"}
        : (tensor<1x8x4x4xf32>, tensor<4xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                       Optional<Graph_FloatTensor>:$roi,
                       Optional<Graph_FloatTensor>:$scales,
                       Optional<Graph_I64Tensor>:$sizes,
                       DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
                       DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode,
                       DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = [{
    $input (`roi` $roi^)? (`scales` $scales^)? (`sizes` $sizes^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Signal windows
//===----------------------------------------------------------------------===//

def Graph_CosineWindowOp : Graph_Op<"cosine_window"> {
  let summary = "a generalized cosine window (ONNX Hann, Hamming, Blackman)";
  let description = [{
    `w[n] = a0 - a1 * cos(2 pi n / M) + a2 * cos(4 pi n / M)` for n in
    [0, N), where M is N when `periodic` and N - 1 otherwise. ONNX's
    HannWindow has a0 = a1 = 0.5, HammingWindow a0 = 25/46 and a1 = 21/46,
    BlackmanWindow a0 = 0.42, a1 = 0.5 and a2 = 0.08. The values are
    computed in f32 as ONNX's function bodies do, then converted to the result
    element type.

    N is the `size` operand, a scalar. Code generation takes it from the
    static result type, which the importer derives from a constant `size` or
    from ONNX's shape inference (a model's declared output shape).

    ```mlir
    %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32}
        : (tensor<i64>) -> tensor<10xf32>
    ```
  }];
  let arguments = (ins Graph_IndexTensor:$size, F32Attr:$a0, F32Attr:$a1,
                       DefaultValuedAttr<F32Attr, "0.0f">:$a2,
                       DefaultValuedAttr<BoolAttr, "true">:$periodic);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // KILN_IR_GRAPHNNOPS_TD
