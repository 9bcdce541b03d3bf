//===- RecognizeLayerNorm.cpp - decomposed layer normalization recognized -===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

namespace kiln {
#define GEN_PASS_DEF_RECOGNIZELAYERNORM
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// One layer normalization over the last axis, written out as primitive ops.
struct DecomposedLayerNorm {
  Value input;
  float epsilon = 0.0f;
  Value scale; // null when there is no scaling Mul
  Value bias;  // null when there is no bias Add
  /// Every op of the pattern, each after its operands' producers.
  SmallVector<Operation *> ops;
};

/// The only operation using `value` (possibly through several operands).
Operation *getSoleUser(Value value) {
  if (value.use_empty())
    return nullptr;
  Operation *user = *value.getUsers().begin();
  for (Operation *other : value.getUsers())
    if (other != user)
      return nullptr;
  return user;
}

/// Whether `mean` averages `input` over its last axis alone, keeping it.
bool isLastAxisMean(graph::ReduceMeanOp mean, Value input) {
  if (mean.getData() != input || !mean.getKeepdims())
    return false;
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  std::optional<SmallVector<int64_t>> axes = graph::getConstantIntValues(mean.getAxes());
  return axes && axes->size() == 1 && ((*axes)[0] == -1 || (*axes)[0] == rank - 1);
}

/// Whether `op` computes `value` squared without changing its shape.
bool isSquareOf(Operation *op, Value value) {
  if (op->getNumResults() != 1 || op->getResult(0).getType() != value.getType())
    return false;
  if (auto mul = dyn_cast<graph::MulOp>(op))
    return mul.getLhs() == value && mul.getRhs() == value;
  auto pow = dyn_cast<graph::PowOp>(op);
  if (!pow || pow.getLhs() != value)
    return false;
  std::optional<SmallVector<double>> exponent = graph::getConstantFloatValues(pow.getRhs());
  return exponent && !exponent->empty() &&
         llvm::all_of(*exponent, [](double e) { return e == 2.0; });
}

/// The operand of `op` that is not `known`, when `known` is exactly one of them.
Value getOtherOperand(Operation *op, Value known) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (lhs == known && rhs != known)
    return rhs;
  if (rhs == known && lhs != known)
    return lhs;
  return nullptr;
}

/// Whether `value` is an f32 vector of `channels` elements, which broadcasts
/// along the last axis only.
bool isChannelVector(Value value, int64_t channels) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32() && type.getRank() == 1 &&
         type.getDimSize(0) == channels;
}

/// The op (a Mul or Add) applying a channel vector to `value`, the result of
/// an op in the same block, or null.
template <typename OpTy>
OpTy matchChannelwise(Value value, int64_t channels, Value &vector) {
  auto op = dyn_cast_or_null<OpTy>(getSoleUser(value));
  if (!op || op.getType() != value.getType() || op->getBlock() != value.getDefiningOp()->getBlock())
    return nullptr;
  Value other = getOtherOperand(op, value);
  if (!other || !isChannelVector(other, channels))
    return nullptr;
  vector = other;
  return op;
}

/// Matches, starting from the centering `x - mean(x)`:
///   v = mean((x - mean(x))^2);  y = (x - mean(x)) / sqrt(v + eps)
/// optionally followed by `* gamma` and `+ beta` (either operand order).
std::optional<DecomposedLayerNorm> matchLayerNorm(graph::SubOp centering) {
  Value input = centering.getLhs();
  auto type = dyn_cast<RankedTensorType>(input.getType());
  if (!type || type.getRank() == 0 || !type.getElementType().isF32() ||
      type.isDynamicDim(type.getRank() - 1) || centering.getType() != type)
    return std::nullopt;
  auto mean = centering.getRhs().getDefiningOp<graph::ReduceMeanOp>();
  if (!mean || !mean->hasOneUse() || !isLastAxisMean(mean, input))
    return std::nullopt;

  // The centered values are read twice: squared, and divided.
  Value centered = centering.getResult();
  Operation *square = nullptr;
  graph::DivOp divide;
  for (Operation *user : centered.getUsers()) {
    if (user == square || user == divide.getOperation())
      continue;
    auto div = dyn_cast<graph::DivOp>(user);
    if (!divide && div && div.getLhs() == centered && div.getRhs() != centered)
      divide = div;
    else if (!square && isSquareOf(user, centered))
      square = user;
    else
      return std::nullopt;
  }
  if (!square || !divide || divide.getType() != type)
    return std::nullopt;

  auto variance = dyn_cast_or_null<graph::ReduceMeanOp>(getSoleUser(square->getResult(0)));
  if (!variance || !square->hasOneUse() || !isLastAxisMean(variance, square->getResult(0)) ||
      !variance->hasOneUse())
    return std::nullopt;
  auto shifted = dyn_cast<graph::AddOp>(*variance->getUsers().begin());
  if (!shifted || !shifted->hasOneUse() || shifted.getType() != variance.getType())
    return std::nullopt;
  Value epsilonValue = getOtherOperand(shifted, variance);
  std::optional<SmallVector<double>> epsilon =
      epsilonValue ? graph::getConstantFloatValues(epsilonValue) : std::nullopt;
  if (!epsilon || epsilon->size() != 1 ||
      !cast<RankedTensorType>(epsilonValue.getType()).getElementType().isF32())
    return std::nullopt;
  auto root = dyn_cast<graph::SqrtOp>(*shifted->getUsers().begin());
  if (!root || !root->hasOneUse() || *root->getUsers().begin() != divide.getOperation() ||
      divide.getRhs() != root.getResult())
    return std::nullopt;

  DecomposedLayerNorm match;
  match.input = input;
  match.epsilon = static_cast<float>((*epsilon)[0]);
  match.ops = {mean, centering, square, variance, shifted, root, divide};
  // One block, so the replacement can stand where the last op was.
  Block *block = centering->getBlock();
  if (llvm::any_of(match.ops, [&](Operation *op) { return op->getBlock() != block; }))
    return std::nullopt;
  int64_t channels = type.getDimSize(type.getRank() - 1);
  Value output = divide.getResult();
  if (auto scaling = matchChannelwise<graph::MulOp>(output, channels, match.scale)) {
    match.ops.push_back(scaling);
    output = scaling.getResult();
  }
  if (auto shifting = matchChannelwise<graph::AddOp>(output, channels, match.bias)) {
    match.ops.push_back(shifting);
    output = shifting.getResult();
  }
  return match;
}

/// Replaces the matched ops with one graph.layer_norm whose location names
/// every fused node, and drops the constants only they read.
void replaceWithLayerNorm(IRRewriter &rewriter, const DecomposedLayerNorm &match) {
  Operation *last = match.ops.back();
  SmallVector<Location> locs;
  for (Operation *op : match.ops)
    locs.push_back(op->getLoc());
  Location loc = rewriter.getFusedLoc(locs);
  rewriter.setInsertionPoint(last);
  Value scale = match.scale;
  if (!scale) {
    auto type = cast<RankedTensorType>(match.input.getType());
    auto scaleType =
        RankedTensorType::get({type.getDimSize(type.getRank() - 1)}, rewriter.getF32Type());
    scale = rewriter.create<graph::ConstantOp>(loc, DenseElementsAttr::get(scaleType, 1.0f));
  }
  int64_t axis = cast<RankedTensorType>(match.input.getType()).getRank() - 1;
  auto norm = rewriter.create<graph::LayerNormOp>(loc, match.input, scale, match.bias, axis,
                                                  APFloat(match.epsilon), TypeAttr());
  rewriter.replaceAllUsesWith(last->getResult(0), norm.getOutput());

  llvm::SetVector<Operation *> constants;
  for (Operation *op : match.ops)
    for (Value operand : op->getOperands())
      if (auto constant = operand.getDefiningOp<graph::ConstantOp>())
        constants.insert(constant);
  // Users come after their operands, so erasing backwards leaves no use behind.
  for (Operation *op : llvm::reverse(match.ops))
    rewriter.eraseOp(op);
  for (Operation *constant : constants)
    if (constant->use_empty())
      rewriter.eraseOp(constant);
}

struct RecognizeLayerNormPass : impl::RecognizeLayerNormBase<RecognizeLayerNormPass> {
  void runOnOperation() override {
    // Each centering Sub belongs to one pattern at most and is erased only
    // with its own, so the collected ops stay valid while others are replaced.
    SmallVector<graph::SubOp> centerings;
    getOperation().walk([&](graph::SubOp sub) { centerings.push_back(sub); });
    IRRewriter rewriter(&getContext());
    for (graph::SubOp centering : centerings)
      if (std::optional<DecomposedLayerNorm> match = matchLayerNorm(centering))
        replaceWithLayerNorm(rewriter, *match);
  }
};

} // namespace
} // namespace kiln
