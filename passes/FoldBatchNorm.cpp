//===- FoldBatchNorm.cpp - batch normalization folded into convolutions ---===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/ConstantValues.h"
#include "passes/Passes.h"

#include "ir/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// conv(x, W, b) followed by batch_norm(scale, bias, mean, var) is
/// conv(x, W * f, (b - mean) * f + bias) with f = scale / sqrt(var + eps),
/// f applied per output channel (the weight's first dimension).
LogicalResult foldIntoConv(IRRewriter &rewriter, graph::BatchNormOp norm) {
  auto conv = norm.getInput().getDefiningOp<graph::ConvOp>();
  if (!conv || !conv->hasOneUse())
    return failure();
  auto weightType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
  if (!weightType || !weightType.hasStaticShape() || !weightType.getElementType().isF32())
    return failure();
  std::optional<SmallVector<float>> weight = readF32Constant(conv.getWeight());
  std::optional<SmallVector<float>> scale = readF32Constant(norm.getScale());
  std::optional<SmallVector<float>> shift = readF32Constant(norm.getBias());
  std::optional<SmallVector<float>> mean = readF32Constant(norm.getMean());
  std::optional<SmallVector<float>> variance = readF32Constant(norm.getVariance());
  if (!weight || !scale || !shift || !mean || !variance)
    return failure();
  int64_t channels = weightType.getDimSize(0);
  SmallVector<float> bias(channels, 0.0f);
  if (Value convBias = conv.getBias()) {
    std::optional<SmallVector<float>> values = readF32Constant(convBias);
    if (!values)
      return failure();
    bias = *values;
  }
  for (const SmallVector<float> *v : {&*scale, &*shift, &*mean, &*variance, &bias})
    if (static_cast<int64_t>(v->size()) != channels)
      return failure();

  float epsilon = norm.getEpsilon().convertToFloat();
  int64_t perChannel = weightType.getNumElements() / channels;
  SmallVector<float> factor(channels);
  for (int64_t c = 0; c < channels; ++c) {
    factor[c] = (*scale)[c] / std::sqrt((*variance)[c] + epsilon);
    bias[c] = (bias[c] - (*mean)[c]) * factor[c] + (*shift)[c];
  }
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 0; i < perChannel; ++i)
      (*weight)[c * perChannel + i] *= factor[c];

  // The folded node keeps both names, so profiles and dumps still show it.
  Location loc = rewriter.getFusedLoc({conv.getLoc(), norm.getLoc()});
  rewriter.setInsertionPoint(norm);
  Value newWeight = createF32Constant(rewriter, loc, weightType, *weight, "folded_weight");
  Value newBias = createF32Constant(
      rewriter, loc, RankedTensorType::get({channels}, rewriter.getF32Type()), bias,
      "folded_weight");
  auto folded = rewriter.create<graph::ConvOp>(
      loc, norm.getType(), conv.getInput(), newWeight, newBias, conv.getKernelShapeAttr(),
      conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(), conv.getGroupAttr(),
      conv.getAutoPadAttr());
  SmallVector<Value> oldOperands{conv.getWeight(), norm.getScale(), norm.getBias(),
                                 norm.getMean(), norm.getVariance()};
  if (Value convBias = conv.getBias())
    oldOperands.push_back(convBias);
  rewriter.replaceOp(norm, folded.getResult());
  rewriter.eraseOp(conv);
  // Constants nobody reads any more would otherwise stay until the next
  // canonicalization (and in this stage's dump).
  for (Value value : oldOperands)
    if (Operation *producer = value.getDefiningOp())
      if (producer->use_empty())
        rewriter.eraseOp(producer);
  return success();
}

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<graph::BatchNormOp> norms;
    getOperation().walk([&](graph::BatchNormOp norm) { norms.push_back(norm); });
    IRRewriter rewriter(&getContext());
    for (graph::BatchNormOp norm : norms)
      (void)foldIntoConv(rewriter, norm);
  }
};

} // namespace
} // namespace kiln
