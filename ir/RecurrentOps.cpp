//===- RecurrentOps.cpp - LSTM, GRU and RNN ops ----------------------------===//
//
// Result-type inference and verification of the recurrent ops. The three ops
// differ only in their number of gates (the row blocks of W and R) and gate
// functions, so one templated verifier serves them all.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace kiln::graph {

namespace {

constexpr int64_t kDynamic = ShapedType::kDynamic;

/// The per-op constants: gate blocks in W/R, activations per direction, and
/// whether there is a cell state (LSTM's Y_c).
struct RecurrentKind {
  int64_t gates;
  int64_t activationsPerDirection;
  bool withCell;
};
constexpr RecurrentKind kLSTM{4, 3, true};
constexpr RecurrentKind kGRU{3, 2, false};
constexpr RecurrentKind kRNN{1, 1, false};

bool isKnownActivation(StringRef name) {
  return llvm::is_contained({"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu",
                             "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu",
                             "Softsign", "Softplus"},
                            name);
}

std::optional<int64_t> numDirections(StringRef direction) {
  return llvm::StringSwitch<std::optional<int64_t>>(direction)
      .Cases("forward", "reverse", 1)
      .Case("bidirectional", 2)
      .Default(std::nullopt);
}

/// Sequence length and batch size of `x` under `layout`.
std::pair<int64_t, int64_t> sequenceAndBatch(RankedTensorType x, int64_t layout) {
  if (x.getRank() != 3)
    return {kDynamic, kDynamic};
  return layout == 0 ? std::pair(x.getDimSize(0), x.getDimSize(1))
                     : std::pair(x.getDimSize(1), x.getDimSize(0));
}

/// The shape of a per-direction state (initial_h/c, Y_h/c) under `layout`.
Shape stateShape(int64_t directions, int64_t batch, int64_t hidden, int64_t layout) {
  return layout == 0 ? Shape{directions, batch, hidden} : Shape{batch, directions, hidden};
}

LogicalResult inferRecurrent(std::optional<Location> loc, Value x, StringRef direction,
                             int64_t hidden, int64_t layout, bool withCell,
                             SmallVectorImpl<Type> &types) {
  auto xType = cast<RankedTensorType>(x.getType());
  if (xType.getRank() != 3)
    return detail::inferError(loc, "recurrent input X must have rank 3");
  std::optional<int64_t> directions = numDirections(direction);
  if (!directions)
    return detail::inferError(loc, "unknown recurrent direction '" + direction + "'");
  if (layout != 0 && layout != 1)
    return detail::inferError(loc, "recurrent layout must be 0 or 1");
  auto [seq, batch] = sequenceAndBatch(xType, layout);
  Type element = xType.getElementType();
  Shape y = layout == 0 ? Shape{seq, *directions, batch, hidden}
                        : Shape{batch, seq, *directions, hidden};
  types.push_back(RankedTensorType::get(y, element));
  auto state = RankedTensorType::get(stateShape(*directions, batch, hidden, layout), element);
  types.push_back(state);
  if (withCell)
    types.push_back(state);
  return success();
}

/// Checks that `value` (when present) has `expected` as shape, where dynamic
/// dimensions on either side match anything.
LogicalResult checkShape(Operation *op, Value value, ArrayRef<int64_t> expected,
                         StringRef what) {
  if (!value)
    return success();
  auto type = cast<RankedTensorType>(value.getType());
  if (failed(verifyCompatibleShape(type.getShape(), expected)))
    return op->emitOpError() << what << " has type " << type << "; expected shape "
                             << "[" << llvm::make_range(expected.begin(), expected.end())
                             << "] (? for any size)";
  return success();
}

template <typename OpTy>
LogicalResult verifyRecurrent(OpTy op, RecurrentKind kind, Value initialC = {},
                              Value peepholes = {}) {
  Operation *operation = op.getOperation();
  std::optional<int64_t> directions = numDirections(op.getDirection());
  if (!directions)
    return op.emitOpError("unknown direction '") << op.getDirection()
                                                << "' (forward, reverse or bidirectional)";
  int64_t layout = op.getLayout();
  if (layout != 0 && layout != 1)
    return op.emitOpError("layout must be 0 or 1, got ") << layout;
  int64_t hidden = op.getHiddenSize();
  if (hidden < 1)
    return op.emitOpError("hidden_size must be positive, got ") << hidden;
  RankedTensorType xType = op.getX().getType();
  if (xType.getRank() != 3)
    return op.emitOpError("X must have rank 3, got ") << xType;
  Type element = xType.getElementType();
  for (Value operand : std::initializer_list<Value>{op.getW(), op.getR(), op.getB(), op.getInitialH(), initialC,
                        peepholes})
    if (operand && getElementTypeOrSelf(operand) != element)
      return op.emitOpError("operands must share the element type of X, got ")
             << operand.getType();
  auto [seq, batch] = sequenceAndBatch(xType, layout);
  (void)seq;
  int64_t input = xType.getDimSize(2);
  int64_t rows = kind.gates * hidden;
  Shape state = stateShape(*directions, batch, hidden, layout);
  if (failed(checkShape(operation, op.getW(), {*directions, rows, input}, "W")) ||
      failed(checkShape(operation, op.getR(), {*directions, rows, hidden}, "R")) ||
      failed(checkShape(operation, op.getB(), {*directions, 2 * rows}, "B")) ||
      failed(checkShape(operation, op.getSequenceLens(), {batch}, "sequence_lens")) ||
      failed(checkShape(operation, op.getInitialH(), state, "initial_h")) ||
      failed(checkShape(operation, initialC, state, "initial_c")) ||
      failed(checkShape(operation, peepholes, {*directions, 3 * hidden}, "P")))
    return failure();

  ArrayAttr activations = op.getActivations();
  size_t expected = static_cast<size_t>(*directions * kind.activationsPerDirection);
  if (activations.size() != expected)
    return op.emitOpError("expects ") << expected << " activations ("
                                      << kind.activationsPerDirection
                                      << " per direction), got " << activations.size();
  for (Attribute name : activations)
    if (!isKnownActivation(cast<StringAttr>(name).getValue()))
      return op.emitOpError("unknown activation '")
             << cast<StringAttr>(name).getValue() << "'";
  if (op.getActivationAlpha().size() != expected || op.getActivationBeta().size() != expected)
    return op.emitOpError("expects one activation_alpha and activation_beta value per "
                          "activation (")
           << expected << ")";
  if (std::optional<APFloat> clip = op.getClip(); clip && !(clip->convertToDouble() > 0))
    return op.emitOpError("clip must be positive");

  // The results must have the shapes inference gives (refined at most).
  SmallVector<Type> inferred;
  if (failed(inferRecurrent(op.getLoc(), op.getX(), op.getDirection(), hidden, layout,
                            kind.withCell, inferred)))
    return failure();
  if (!areCompatibleReturnTypes(inferred, operation->getResultTypes()))
    return op.emitOpError("result types do not match the input shapes and hidden_size");
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// LSTM
//===----------------------------------------------------------------------===//

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor.getX(), adaptor.getDirection(), adaptor.getHiddenSize(),
                        adaptor.getLayout(), kLSTM.withCell, types);
}

LogicalResult LSTMOp::verify() {
  return verifyRecurrent(*this, kLSTM, getInitialC(), getP());
}

//===----------------------------------------------------------------------===//
// GRU
//===----------------------------------------------------------------------===//

LogicalResult GRUOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor.getX(), adaptor.getDirection(), adaptor.getHiddenSize(),
                        adaptor.getLayout(), kGRU.withCell, types);
}

LogicalResult GRUOp::verify() { return verifyRecurrent(*this, kGRU); }

//===----------------------------------------------------------------------===//
// RNN
//===----------------------------------------------------------------------===//

LogicalResult RNNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor.getX(), adaptor.getDirection(), adaptor.getHiddenSize(),
                        adaptor.getLayout(), kRNN.withCell, types);
}

LogicalResult RNNOp::verify() { return verifyRecurrent(*this, kRNN); }

} // namespace kiln::graph
