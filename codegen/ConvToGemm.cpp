//===- ConvToGemm.cpp - channels-last convolutions as matrix products -----===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "codegen/ConstantLayout.h"
#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_CONVERTCONVTOGEMM
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The input patches of a convolution, one row per output pixel:
/// patches[n, oh, ow, kh, kw, c] = input[n, oh*sh + kh*dh, ow*sw + kw*dw, c].
/// Returned as the 6-D tensor; collapsing it to (N*OH*OW) x (KH*KW*C) is free.
Value createPatches(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> outputShape,
                    int64_t kernelH, int64_t kernelW, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t channels = inputType.getDimSize(3);
  SmallVector<int64_t> shape{outputShape[0], outputShape[1], outputShape[2],
                             kernelH,        kernelW,        channels};
  MLIRContext *context = b.getContext();
  AffineExpr n, oh, ow, kh, kw, c;
  bindDims(context, n, oh, ow, kh, kw, c);
  AffineMap read = AffineMap::get(
      6, 0,
      {n, oh * strides[0] + kh * dilations[0], ow * strides[1] + kw * dilations[1], c},
      context);
  return createParallelGeneric(
      b, loc, RankedTensorType::get(shape, inputType.getElementType()), input, read,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

void convertToGemm(IRRewriter &rewriter, linalg::Conv2DNhwcHwcfOp conv, int64_t maxPatchBytes) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1], init = conv.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  if (!inputType.hasStaticShape() || !filterType.hasStaticShape() ||
      !outputType.hasStaticShape() || !outputType.getElementType().isF32() ||
      !matchPattern(filter, m_Constant()))
    return;
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  int64_t kernelH = filterType.getDimSize(0), kernelW = filterType.getDimSize(1);
  int64_t channels = filterType.getDimSize(2), features = filterType.getDimSize(3);
  ArrayRef<int64_t> outputShape = outputType.getShape();
  int64_t pixels = outputShape[0] * outputShape[1] * outputShape[2];
  int64_t depth = kernelH * kernelW * channels;
  bool pointwise = kernelH == 1 && kernelW == 1 && strides[0] == 1 && strides[1] == 1 &&
                   inputType.getDimSize(1) == outputShape[1] &&
                   inputType.getDimSize(2) == outputShape[2];
  // The patch matrix costs a copy of KH*KW times the input; past a size it
  // no longer fits the caches and the direct convolution is faster.
  if (!pointwise && pixels * depth * 4 > maxPatchBytes)
    return;

  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  Value weights = createReshapedConstant(rewriter, loc, filter, {depth, features}); // HWC x F
  if (!weights)
    return;
  Value patches = pointwise ? input
                            : createPatches(rewriter, loc, input, outputShape, kernelH,
                                            kernelW, strides, dilations);
  auto patchType = cast<RankedTensorType>(patches.getType());
  SmallVector<ReassociationIndices> rowsAndDepth =
      pointwise ? SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}
                : SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}};
  Value lhs = rewriter.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({pixels, depth}, patchType.getElementType()), patches,
      rowsAndDepth);
  SmallVector<ReassociationIndices> rowsAndFeatures{{0, 1, 2}, {3}};
  auto productType = RankedTensorType::get({pixels, features}, outputType.getElementType());
  Value productInit =
      rewriter.create<tensor::CollapseShapeOp>(loc, productType, init, rowsAndFeatures);
  Value product = rewriter
                      .create<linalg::MatmulOp>(loc, TypeRange{productType},
                                                ValueRange{lhs, weights}, ValueRange{productInit})
                      .getResult(0);
  Value result =
      rewriter.create<tensor::ExpandShapeOp>(loc, outputType, product, rowsAndFeatures);
  rewriter.replaceOp(conv, result);
}

struct ConvertConvToGemmPass : impl::ConvertConvToGemmBase<ConvertConvToGemmPass> {
  using ConvertConvToGemmBase::ConvertConvToGemmBase;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    getOperation().walk([&](linalg::Conv2DNhwcHwcfOp conv) { convs.push_back(conv); });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNhwcHwcfOp conv : convs)
      convertToGemm(rewriter, conv, static_cast<int64_t>(maxPatchKilobytes) * 1024);
  }
};

} // namespace
} // namespace kiln::codegen
