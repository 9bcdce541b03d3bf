//===- ConvLayout.cpp - convolutions and pooling in channels-last layout ---===//
//
// ONNX convolutions are NCHW. Vectorized kernels want the channels
// innermost: an output row of a register tile is then a contiguous run of
// output channels, and a filter row a contiguous run of filter values. This
// pass rewrites each 2-D convolution and pooling into its NHWC form between
// transposes; the transposes are generics, so elementwise fusion merges
// them into the surrounding elementwise chains (ReLU, residual adds,
// batch-norm scales), and between two convolutions the activations never
// exist in NCHW. Constant filters are transposed at compile time.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "codegen/Passes.h"
#include "codegen/ConstantLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_CONVERTCONVLAYOUT
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};  // NCHW -> NHWC
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2}; // NHWC -> NCHW

RankedTensorType permuteType(RankedTensorType type, ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> shape;
  for (int64_t source : permutation)
    shape.push_back(type.getDimSize(source));
  return RankedTensorType::get(shape, type.getElementType());
}

/// result[i...] = value[permuted i...], as a linalg.generic (which fusion can
/// merge, unlike linalg.transpose).
Value createTransposeGeneric(OpBuilder &b, Location loc, Value value,
                             ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  RankedTensorType resultType = permuteType(type, permutation);
  MLIRContext *context = b.getContext();
  int64_t rank = type.getRank();
  // Loops run over the result; the input is read at the inverse position.
  SmallVector<AffineExpr> inputExprs(rank);
  for (int64_t i = 0; i < rank; ++i)
    inputExprs[permutation[i]] = getAffineDimExpr(i, context);
  return createParallelGeneric(b, loc, resultType, value,
                               AffineMap::get(rank, 0, inputExprs, context),
                               [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// `value` permuted: computed here when it is a constant (so the kernel reads
/// filters in its layout with no work at run time), else a transpose.
Value permuteTensor(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  if (Value constant = createPermutedConstant(b, loc, value, type.getShape(), permutation))
    return constant;
  return createTransposeGeneric(b, loc, value, permutation);
}

/// The NHWC form of a convolution's (or pooling's) input: a zero/neutral
/// tensor.pad on the NCHW input moves after the transpose, so the padding
/// copy is made once, in the new layout.
Value toChannelsLast(OpBuilder &b, Location loc, Value input) {
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value padValue = pad.getConstantPaddingValue();
    if (padValue && pad.getSourceType().hasStaticShape() &&
        pad.getResultType().hasStaticShape()) {
      Value source = createTransposeGeneric(b, loc, pad.getSource(), kToChannelsLast);
      SmallVector<OpFoldResult> low, high;
      for (int64_t d : kToChannelsLast) {
        low.push_back(pad.getMixedLowPad()[d]);
        high.push_back(pad.getMixedHighPad()[d]);
      }
      auto resultType = permuteType(pad.getResultType(), kToChannelsLast);
      return b.create<tensor::PadOp>(loc, resultType, source, low, high, padValue);
    }
  }
  return createTransposeGeneric(b, loc, input, kToChannelsLast);
}

/// The NHWC form of a convolution's accumulator. A fill (the usual zero or
/// -inf start) is made again in the new layout rather than transposed.
Value initToChannelsLast(OpBuilder &b, Location loc, Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    auto type = permuteType(cast<RankedTensorType>(init.getType()), kToChannelsLast);
    Value empty = b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
    return b.create<linalg::FillOp>(loc, fill.getInputs()[0], empty).getResult(0);
  }
  return createTransposeGeneric(b, loc, init, kToChannelsLast);
}

bool isStaticF32(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() && type.getElementType().isF32();
}

template <typename NchwOp, typename NhwcOp>
void convertConvolution(IRRewriter &rewriter, NchwOp op, ArrayRef<int64_t> filterPermutation) {
  Value input = op.getInputs()[0], filter = op.getInputs()[1], init = op.getOutputs()[0];
  if (!isStaticF32(input) || !isStaticF32(filter) || !isStaticF32(init))
    return;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value nhwcInput = toChannelsLast(rewriter, loc, input);
  Value nhwcFilter = filterPermutation.empty()
                         ? filter
                         : permuteTensor(rewriter, loc, filter, filterPermutation);
  Value nhwcInit = initToChannelsLast(rewriter, loc, init);
  auto conv = rewriter.create<NhwcOp>(loc, TypeRange{nhwcInit.getType()},
                                      ValueRange{nhwcInput, nhwcFilter}, ValueRange{nhwcInit},
                                      op.getStrides(), op.getDilations());
  Value result = createTransposeGeneric(rewriter, loc, conv.getResult(0), kToChannelsFirst);
  rewriter.replaceOp(op, result);
}

struct ConvertConvLayoutPass : impl::ConvertConvLayoutBase<ConvertConvLayoutPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp,
              linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
        convertConvolution<linalg::Conv2DNchwFchwOp, linalg::Conv2DNhwcHwcfOp>(
            rewriter, conv, {2, 3, 1, 0}); // FCHW -> HWCF
      else if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
        convertConvolution<linalg::DepthwiseConv2DNchwChwOp, linalg::DepthwiseConv2DNhwcHwcOp>(
            rewriter, depthwise, {1, 2, 0}); // CHW -> HWC
      else if (auto maxPool = dyn_cast<linalg::PoolingNchwMaxOp>(op))
        convertConvolution<linalg::PoolingNchwMaxOp, linalg::PoolingNhwcMaxOp>(
            rewriter, maxPool, {}); // the window shape needs no layout
      else if (auto sumPool = dyn_cast<linalg::PoolingNchwSumOp>(op))
        convertConvolution<linalg::PoolingNchwSumOp, linalg::PoolingNhwcSumOp>(
            rewriter, sumPool, {});
    }
  }
};

} // namespace
} // namespace kiln::codegen
