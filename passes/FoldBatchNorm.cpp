//===- FoldBatchNorm.cpp - batch normalization folded into convolutions ---===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "ir/ConstantData.h"
#include "ir/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The f32 values of a graph.constant, when the compiler holds them.
std::optional<SmallVector<float>> readFloats(Value value) {
  auto constant = value.getDefiningOp<graph::ConstantOp>();
  if (!constant)
    return std::nullopt;
  ElementsAttr attr = constant.getValue();
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    return SmallVector<float>(count, splat.getSplatValue<float>());
  std::optional<ArrayRef<char>> bytes = getConstantBytes(attr);
  if (bytes && static_cast<int64_t>(bytes->size()) == count * 4) {
    const auto *data = reinterpret_cast<const float *>(bytes->data());
    return SmallVector<float>(data, data + count);
  }
  return std::nullopt;
}

/// A new f32 constant of `type` holding `values` (a weight blob when large).
Value createFloats(OpBuilder &builder, Location loc, RankedTensorType type,
                   ArrayRef<float> values) {
  ElementsAttr attr;
  if (values.size() <= 64) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(values.data()), values.size() * 4),
        alignof(float));
    attr = DenseResourceElementsAttr::get(type, "folded_weight", std::move(blob));
  }
  return builder.create<graph::ConstantOp>(loc, attr);
}

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
  std::optional<SmallVector<float>> weight = readFloats(conv.getWeight());
  std::optional<SmallVector<float>> scale = readFloats(norm.getScale());
  std::optional<SmallVector<float>> shift = readFloats(norm.getBias());
  std::optional<SmallVector<float>> mean = readFloats(norm.getMean());
  std::optional<SmallVector<float>> variance = readFloats(norm.getVariance());
  if (!weight || !scale || !shift || !mean || !variance)
    return failure();
  int64_t channels = weightType.getDimSize(0);
  SmallVector<float> bias(channels, 0.0f);
  if (Value convBias = conv.getBias()) {
    std::optional<SmallVector<float>> values = readFloats(convBias);
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
  Value newWeight = createFloats(rewriter, loc, weightType, *weight);
  Value newBias = createFloats(rewriter, loc,
                               RankedTensorType::get({channels}, rewriter.getF32Type()), bias);
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
