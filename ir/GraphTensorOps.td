//===- GraphTensorOps.td - data movement and shape graph ops ----*- tablegen -*-===//
//
// Constants, shape arithmetic, reshaping, slicing, gathering, padding,
// reductions. Ops whose result shape depends on an operand's *value* (Reshape's
// shape, Slice's starts...) infer static dimensions when that operand is a
// constant and dynamic ones otherwise.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHTENSOROPS_TD
#define KILN_IR_GRAPHTENSOROPS_TD

include "ir/GraphBase.td"

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [ConstantLike,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "a constant tensor (initializer or ONNX Constant)";
  let description = [{
    Holds a constant tensor. Initializers and ONNX `Constant` nodes both become
    this op. Large weights are `dense_resource` blobs that refer to the model's
    memory (or to memory-mapped external-data files) instead of copies.

    ```mlir
    %w = graph.constant dense<1.0> : tensor<4xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Graph_ShapeOp : Graph_InferredOp<"shape"> {
  let summary = "the shape of a tensor as a 1-D i64 tensor";
  let description = [{
    Dimensions `start` .. `end` (exclusive, clamped, negative counts from the
    back; `end` absent means rank) of the operand's shape. Folds to a constant
    when those dimensions are static.

    ```mlir
    %s = graph.shape %x {start = 0 : i64} : (tensor<1x3x8x8xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs Graph_I64Tensor:$output);
  let hasFolder = 1;
}

def Graph_SizeOp : Graph_InferredOp<"size"> {
  let summary = "the number of elements of a tensor as an i64 scalar";
  let description = "`%n = graph.size %x : (tensor<2x3xf32>) -> tensor<i64>`";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_I64Tensor:$output);
  let hasFolder = 1;
}

def Graph_ConstantOfShapeOp : Graph_InferredOp<"constant_of_shape"> {
  let summary = "a tensor of the given shape filled with one value";
  let description = [{
    `shape` is a 1-D i64 tensor; `value` is a one-element tensor attribute
    whose element type is the result's.

    ```mlir
    %z = graph.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>}
        : (tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Graph_I64Tensor:$shape, ElementsAttr:$value);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_RangeOp : Graph_Op<"range", [AllTypesMatch<["start", "limit", "delta"]>]> {
  let summary = "a 1-D tensor of evenly spaced values";
  let description = [{
    `start, start + delta, ...` up to but excluding `limit`; all three operands
    are scalars of the result's element type.
  }];
  let arguments = (ins Graph_NumericTensor:$start, Graph_NumericTensor:$limit,
                       Graph_NumericTensor:$delta);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reshaping and reordering
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_InferredOp<"reshape"> {
  let summary = "reshapes a tensor to a shape given as a 1-D i64 tensor";
  let description = [{
    ONNX Reshape: `0` in `shape` copies the input dimension (unless
    `allowzero`), `-1` is inferred from the element count.

    ```mlir
    %y = graph.reshape %x, %s {allowzero = false} : (tensor<1x512x1x1xf32>, tensor<2xi64>) -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs Graph_Tensor:$reshaped);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_FlattenOp : Graph_InferredOp<"flatten"> {
  let summary = "flattens a tensor into a matrix at an axis";
  let description = [{
    Dimensions before `axis` become the rows, the rest the columns.
    `axis` is non-negative after import.

    ```mlir
    %y = graph.flatten %x {axis = 1 : i64} : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_InferredOp<"transpose"> {
  let summary = "permutes the dimensions of a tensor";
  let description = [{
    Output dimension i is input dimension `perm[i]`. The importer spells out
    ONNX's default (reversed) permutation.

    ```mlir
    %y = graph.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<1x4x8xf32>) -> tensor<1x8x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_SqueezeOp : Graph_InferredOp<"squeeze"> {
  let summary = "removes size-1 dimensions";
  let description = [{
    Removes the dimensions listed in the 1-D i64 `axes` operand (every size-1
    dimension when absent; the importer supplies `axes` whenever the shape is
    static).
  }];
  let arguments = (ins Graph_Tensor:$data, Optional<Graph_I64Tensor>:$axes);
  let results = (outs Graph_Tensor:$squeezed);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_UnsqueezeOp : Graph_InferredOp<"unsqueeze"> {
  let summary = "inserts size-1 dimensions";
  let description = [{
    Inserts dimensions of size 1 at the positions listed in the 1-D i64 `axes`
    operand (positions in the output).

    ```mlir
    %y = graph.unsqueeze %x, %axes : (tensor<3xf32>, tensor<1xi64>) -> tensor<1x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$axes);
  let results = (outs Graph_Tensor:$expanded);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_InferredOp<"expand"> {
  let summary = "broadcasts a tensor to a shape";
  let description = [{
    Broadcasts `input` together with the 1-D i64 `shape` (numpy rules, so the
    result may be larger than `shape` in either direction).
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$shape);
  let results = (outs Graph_Tensor:$output);
}

def Graph_TileOp : Graph_InferredOp<"tile"> {
  let summary = "repeats a tensor along each dimension";
  let description = "Output dimension i is `input.dim(i) * repeats[i]`.";
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$repeats);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_InferredOp<"concat"> {
  let summary = "concatenates tensors along an axis";
  let description = [{
    All operands have the same rank and element type and agree on every
    dimension but `axis` (non-negative after import).

    ```mlir
    %y = graph.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_SplitOp : Graph_Op<"split"> {
  let summary = "splits a tensor into parts along an axis";
  let description = [{
    Splits `input` along `axis` into one result per entry of the 1-D i64
    `split` operand. ONNX's forms (sizes as attribute before opset 13, as an
    optional input after, or equal parts by `num_outputs`) are all normalized
    into a `split` operand at import.

    ```mlir
    %a, %b = graph.split %x, %sizes {axis = 1 : i64}
        : (tensor<1x6xf32>, tensor<2xi64>) -> (tensor<1x2xf32>, tensor<1x4xf32>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$split, I64Attr:$axis);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SliceOp : Graph_InferredOp<"slice"> {
  let summary = "takes a strided slice of a tensor";
  let description = [{
    ONNX Slice in its opset-13 form: `starts`, `ends`, `axes` and `steps` are
    1-D i32/i64 tensors of equal length (the importer materializes the default
    `axes` and `steps`). Out-of-range starts and ends are clamped; negative
    values count from the back; negative steps slice backwards.
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$starts,
                       Graph_IndexTensor:$ends, Graph_IndexTensor:$axes,
                       Graph_IndexTensor:$steps);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_PadOp : Graph_InferredOp<"pad"> {
  let summary = "pads a tensor";
  let description = [{
    Pads with `pads` (1-D i64: begins for every padded axis, then ends; negative
    values crop) along `axes` (materialized as all axes when ONNX omits them).
    `mode` is "constant" (with the scalar `constant_value`), "reflect" or
    "edge".
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$pads,
                       Graph_Tensor:$constant_value, Graph_IndexTensor:$axes,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_DepthToSpaceOp : Graph_InferredOp<"depth_to_space"> {
  let summary = "moves channel blocks into spatial blocks";
  let description = "ONNX DepthToSpace with `mode` \"DCR\" or \"CRD\".";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$blocksize,
                       DefaultValuedAttr<StrAttr, "\"DCR\"">:$mode);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_SpaceToDepthOp : Graph_InferredOp<"space_to_depth"> {
  let summary = "moves spatial blocks into channels";
  let description = "ONNX SpaceToDepth.";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$blocksize);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

def Graph_GatherOp : Graph_InferredOp<"gather"> {
  let summary = "gathers slices along an axis by index";
  let description = [{
    Output shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
    Negative indices count from the back. `axis` is non-negative after import.

    ```mlir
    %e = graph.gather %table, %ids {axis = 0 : i64}
        : (tensor<30522x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_GatherElementsOp : Graph_InferredOp<"gather_elements"> {
  let summary = "gathers single elements along an axis";
  let description = "`out[i][j][k] = data[index[i][j][k]][j][k]` for axis 0; output shape is the indices' shape.";
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_GatherNDOp : Graph_InferredOp<"gather_nd"> {
  let summary = "gathers slices by N-dimensional index tuples";
  let description = "ONNX GatherND with `batch_dims` leading batch dimensions.";
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Graph_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum", "sum">;
def Graph_ReduceMeanOp : Graph_ReduceOp<"reduce_mean", "mean">;
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max", "max">;
def Graph_ReduceMinOp : Graph_ReduceOp<"reduce_min", "min">;
def Graph_ReduceProdOp : Graph_ReduceOp<"reduce_prod", "product">;
def Graph_ReduceL1Op : Graph_ReduceOp<"reduce_l1", "sum of |x|">;
def Graph_ReduceL2Op : Graph_ReduceOp<"reduce_l2", "sqrt of the sum of x^2">;
def Graph_ReduceLogSumOp : Graph_ReduceOp<"reduce_log_sum", "log of the sum">;
def Graph_ReduceLogSumExpOp : Graph_ReduceOp<"reduce_log_sum_exp", "log of the sum of exp(x)">;
def Graph_ReduceSumSquareOp : Graph_ReduceOp<"reduce_sum_square", "sum of x^2">;

class Graph_ArgReduceOp<string mnemonic, string what> : Graph_InferredOp<mnemonic> {
  let summary = "index of the " # what # " along an axis";
  let description = "Index (i64) of the " # what # " along `axis`; the first "
      # "occurrence unless `select_last_index`. `axis` is non-negative after import.";
  let arguments = (ins Graph_NumericTensor:$data, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Graph_I64Tensor:$indices);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return ::kiln::graph::detail::inferArgReduction(location, adaptor.getData(),
          adaptor.getAxis(), adaptor.getKeepdims(), inferredReturnTypes);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      return ::kiln::graph::detail::verifyAxis(getOperation(), getAxis(),
          getData().getType().getRank());
    }
  }];
}

def Graph_ArgMaxOp : Graph_ArgReduceOp<"arg_max", "maximum">;
def Graph_ArgMinOp : Graph_ArgReduceOp<"arg_min", "minimum">;

#endif // KILN_IR_GRAPHTENSOROPS_TD
