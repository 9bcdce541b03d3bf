//===- ControlFlowOps.cpp - If, Loop and Scan -----------------------------===//
//
// Verifiers of the region ops, which tie the body's block arguments and
// yielded values to the op's operands and results, and the canonicalization
// that inlines an If whose condition is a constant.
//
// Types are checked for compatibility (same element type and rank, equal
// static dimensions), not equality: ONNX shape inference may know a result
// more or less precisely than the body does.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln::graph {

namespace {

bool areCompatible(Type a, Type b) { return areCompatibleReturnTypes(a, b); }

/// Checks that `values` (what a region yields or receives) are compatible
/// one by one with `expected`, naming `what` in the diagnostic.
LogicalResult verifyCompatible(Operation *op, TypeRange values, TypeRange expected,
                               StringRef what, StringRef against) {
  for (auto [i, pair] : llvm::enumerate(llvm::zip(values, expected))) {
    auto [value, want] = pair;
    if (!areCompatible(value, want))
      return op->emitOpError() << what << " #" << i << " has type " << value
                               << ", incompatible with " << against << " " << want;
  }
  return success();
}

/// `type` with a dimension of `size` inserted at `axis`.
RankedTensorType insertDim(RankedTensorType type, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis, size);
  return RankedTensorType::get(shape, type.getElementType());
}

/// `type` without dimension `axis`.
RankedTensorType dropDim(RankedTensorType type, int64_t axis) {
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, type.getElementType());
}

bool hasOneElement(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() == 1;
}

bool isScalarBool(Type type) {
  return hasOneElement(type) && getElementTypeOrSelf(type).isInteger(1);
}

} // namespace

//===----------------------------------------------------------------------===//
// IfOp
//===----------------------------------------------------------------------===//

YieldOp IfOp::getThenYield() {
  return cast<YieldOp>(getThenBranch().front().getTerminator());
}
YieldOp IfOp::getElseYield() {
  return cast<YieldOp>(getElseBranch().front().getTerminator());
}

LogicalResult IfOp::verify() {
  if (getCond().getType().hasStaticShape() && getCond().getType().getNumElements() != 1)
    return emitOpError() << "condition must have one element, got " << getCond().getType();
  for (auto [name, region] : {std::pair<StringRef, Region *>{"then", &getThenBranch()},
                              {"else", &getElseBranch()}}) {
    auto yield = dyn_cast<YieldOp>(region->front().getTerminator());
    if (!yield)
      return emitOpError() << "the " << name << " branch must end in graph.yield";
    if (yield.getValues().size() != getNumResults())
      return emitOpError() << "the " << name << " branch yields " << yield.getValues().size()
                           << " values for " << getNumResults() << " results";
    if (failed(verifyCompatible(*this, yield.getValues().getTypes(), getResultTypes(),
                                (name + " branch value").str(), "result")))
      return failure();
  }
  return success();
}

namespace {
/// If with a constant condition: the branch taken replaces the op.
struct InlineConstantIf : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfOp op, PatternRewriter &rewriter) const override {
    DenseElementsAttr cond;
    if (!matchPattern(op.getCond(), m_Constant(&cond)) || cond.getNumElements() != 1)
      return failure();
    bool taken = *cond.getValues<bool>().begin();
    Block &block = taken ? op.getThenBranch().front() : op.getElseBranch().front();
    auto yield = cast<YieldOp>(block.getTerminator());
    // Users (a function's return) may need the result's exact type.
    if (yield.getValues().getTypes() != op.getResultTypes())
      return failure();
    SmallVector<Value> values(yield.getValues());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&block, op);
    rewriter.replaceOp(op, values);
    return success();
  }
};
} // namespace

void IfOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *context) {
  results.add<InlineConstantIf>(context);
}

//===----------------------------------------------------------------------===//
// LoopOp
//===----------------------------------------------------------------------===//

YieldOp LoopOp::getYield() { return cast<YieldOp>(getBody().front().getTerminator()); }

namespace {
/// The single element of a constant one-element integer or i1 tensor.
std::optional<int64_t> getConstantScalar(Value value) {
  DenseElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) || attr.getNumElements() != 1 ||
      !attr.getElementType().isIntOrIndex())
    return std::nullopt;
  return (*attr.getValues<APInt>().begin()).getSExtValue();
}
} // namespace

std::optional<int64_t> LoopOp::getConstantTripCount() {
  std::optional<int64_t> count = getConstantScalar(getMaxTripCount());
  if (!count)
    return std::nullopt;
  if (getCondition()) {
    std::optional<int64_t> initial = getConstantScalar(getCondition());
    if (!initial || *initial == 0)
      return std::nullopt;
  }
  Value next = getYield().getValues()[0];
  while (auto identity = next.getDefiningOp<IdentityOp>())
    next = identity.getInput();
  std::optional<int64_t> constantNext = getConstantScalar(next);
  if (next != getBody().front().getArgument(1) && (!constantNext || *constantNext == 0))
    return std::nullopt;
  return std::max<int64_t>(0, *count);
}

LogicalResult LoopOp::verify() {
  if (Value count = getMaxTripCount())
    if (!hasOneElement(count.getType()))
      return emitOpError() << "max_trip_count must have one element, got " << count.getType();
  if (Value cond = getCondition())
    if (!isScalarBool(cond.getType()))
      return emitOpError() << "condition must have one element, got " << cond.getType();
  unsigned numCarried = getNumCarried();
  if (getNumResults() < numCarried)
    return emitOpError() << "has " << getNumResults() << " results for " << numCarried
                         << " loop-carried values";
  Block &body = getBody().front();
  if (body.getNumArguments() != numCarried + 2)
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments; expected the iteration number, the condition and "
                         << numCarried << " loop-carried values";
  auto iterType = dyn_cast<RankedTensorType>(body.getArgument(0).getType());
  if (!iterType || iterType.getRank() != 0 || !iterType.getElementType().isInteger(64))
    return emitOpError() << "body argument #0 (iteration number) must be tensor<i64>, got "
                         << body.getArgument(0).getType();
  if (!isScalarBool(body.getArgument(1).getType()))
    return emitOpError() << "body argument #1 (condition) must be a one-element i1 tensor, got "
                         << body.getArgument(1).getType();
  TypeRange carriedArgs = TypeRange(body.getArgumentTypes()).drop_front(2);
  if (failed(verifyCompatible(*this, carriedArgs, getInitialValues().getTypes(),
                              "loop-carried body argument", "initial value")))
    return failure();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end in graph.yield");
  unsigned numScan = getNumScanOutputs();
  if (yield.getValues().size() != 1 + numCarried + numScan)
    return emitOpError() << "body yields " << yield.getValues().size()
                         << " values; expected the condition, " << numCarried
                         << " loop-carried values and " << numScan << " scan elements";
  if (!isScalarBool(yield.getValues()[0].getType()))
    return emitOpError() << "the yielded condition must be a one-element i1 tensor, got "
                         << yield.getValues()[0].getType();
  TypeRange yielded = yield.getValues().getTypes();
  if (failed(verifyCompatible(*this, yielded.slice(1, numCarried), carriedArgs,
                              "yielded loop-carried value", "body argument")) ||
      failed(verifyCompatible(*this, TypeRange(getResultTypes()).take_front(numCarried),
                              getInitialValues().getTypes(), "result", "initial value")))
    return failure();
  for (unsigned k = 0; k < numScan; ++k) {
    auto element = cast<RankedTensorType>(yielded[1 + numCarried + k]);
    auto output = cast<RankedTensorType>(getResult(numCarried + k).getType());
    if (output.getRank() != element.getRank() + 1 ||
        !areCompatible(insertDim(element, 0, output.getDimSize(0)), output))
      return emitOpError() << "scan output #" << k << " has type " << output
                           << ", which does not stack scan elements of type " << element;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ScanOp
//===----------------------------------------------------------------------===//

YieldOp ScanOp::getYield() { return cast<YieldOp>(getBody().front().getTerminator()); }

int64_t ScanOp::getSequenceLength() {
  for (auto [input, axis] : llvm::zip(getScanInputs(), getScanInputAxes())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (axis >= 0 && axis < type.getRank() && !type.isDynamicDim(axis))
      return type.getDimSize(axis);
  }
  return ShapedType::kDynamic;
}

LogicalResult ScanOp::verify() {
  unsigned numStates = getNumStates();
  unsigned numInputs = getScanInputs().size();
  if (numInputs == 0)
    return emitOpError("needs at least one scan input");
  if (getNumResults() < numStates)
    return emitOpError() << "has " << getNumResults() << " results for " << numStates
                         << " states";
  unsigned numOutputs = getNumScanOutputs();
  if (getScanInputAxes().size() != numInputs || getScanInputDirections().size() != numInputs)
    return emitOpError() << "scan_input_axes and scan_input_directions need one entry per "
                         << "scan input (" << numInputs << ")";
  if (getScanOutputAxes().size() != numOutputs ||
      getScanOutputDirections().size() != numOutputs)
    return emitOpError() << "scan_output_axes and scan_output_directions need one entry per "
                         << "scan output (" << numOutputs << ")";
  for (int64_t direction : llvm::concat<const int64_t>(getScanInputDirections(),
                                                      getScanOutputDirections()))
    if (direction != 0 && direction != 1)
      return emitOpError() << "scan directions must be 0 (forward) or 1 (reverse), got "
                           << direction;

  Block &body = getBody().front();
  if (body.getNumArguments() != numStates + numInputs)
    return emitOpError() << "body takes " << body.getNumArguments() << " arguments; expected "
                         << numStates << " states and " << numInputs << " scan input slices";
  if (failed(verifyCompatible(*this, TypeRange(body.getArgumentTypes()).take_front(numStates),
                              getInitialStates().getTypes(), "state body argument",
                              "initial state")))
    return failure();
  int64_t length = ShapedType::kDynamic;
  for (auto [j, input] : llvm::enumerate(getScanInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    int64_t axis = getScanInputAxes()[j];
    if (axis < 0 || axis >= type.getRank())
      return emitOpError() << "scan_input_axes[" << j << "] = " << axis
                           << " is out of range for " << type;
    int64_t size = type.getDimSize(axis);
    if (!ShapedType::isDynamic(size)) {
      if (!ShapedType::isDynamic(length) && size != length)
        return emitOpError() << "scan input #" << j << " has length " << size
                             << " along its scan axis; an earlier one has " << length;
      length = size;
    }
    Type slice = body.getArgument(numStates + j).getType();
    if (!areCompatible(slice, dropDim(type, axis)))
      return emitOpError() << "body argument #" << numStates + j << " has type " << slice
                           << ", which is not a slice of scan input " << type << " along axis "
                           << axis;
  }

  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end in graph.yield");
  if (yield.getValues().size() != numStates + numOutputs)
    return emitOpError() << "body yields " << yield.getValues().size() << " values; expected "
                         << numStates << " states and " << numOutputs << " scan elements";
  TypeRange yielded = yield.getValues().getTypes();
  if (failed(verifyCompatible(*this, yielded.take_front(numStates),
                              TypeRange(body.getArgumentTypes()).take_front(numStates),
                              "yielded state", "body argument")) ||
      failed(verifyCompatible(*this, TypeRange(getResultTypes()).take_front(numStates),
                              getInitialStates().getTypes(), "result", "initial state")))
    return failure();
  for (unsigned k = 0; k < numOutputs; ++k) {
    auto element = cast<RankedTensorType>(yielded[numStates + k]);
    auto output = cast<RankedTensorType>(getResult(numStates + k).getType());
    int64_t axis = getScanOutputAxes()[k];
    if (axis < 0 || axis > element.getRank())
      return emitOpError() << "scan_output_axes[" << k << "] = " << axis
                           << " is out of range for scan elements of type " << element;
    if (!areCompatible(insertDim(element, axis, length), output))
      return emitOpError() << "scan output #" << k << " has type " << output
                           << ", which does not stack " << length << " scan elements of type "
                           << element << " along axis " << axis;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Type refinement
//===----------------------------------------------------------------------===//

namespace {
/// Sets `value`'s type to `type` when that is more static; returns whether
/// it did.
bool refine(Value value, Type type) {
  if (!type || !isMoreRefinedType(type, value.getType()))
    return false;
  value.setType(type);
  return true;
}

/// `type` with dimension `axis` set to `size`.
Type withDim(Type type, int64_t axis, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[axis] = size;
  return RankedTensorType::get(shape, tensor.getElementType());
}
} // namespace

bool IfOp::refineTypes() {
  bool changed = false;
  for (auto [result, a, b] : llvm::zip(getResults(), getThenYield().getValues().getTypes(),
                                       getElseYield().getValues().getTypes())) {
    auto x = cast<RankedTensorType>(a), y = cast<RankedTensorType>(b);
    if (x.getRank() != y.getRank())
      continue;
    SmallVector<int64_t> shape;
    for (auto [m, n] : llvm::zip(x.getShape(), y.getShape()))
      shape.push_back(m == n ? m : ShapedType::kDynamic);
    changed |= refine(result, RankedTensorType::get(shape, x.getElementType()));
  }
  return changed;
}

bool LoopOp::refineTypes() {
  bool changed = false;
  Block &body = getBody().front();
  for (auto [i, initial] : llvm::enumerate(getInitialValues())) {
    changed |= refine(body.getArgument(2 + i), initial.getType());
    changed |= refine(getResult(i), initial.getType());
  }
  std::optional<int64_t> iterations = getConstantTripCount();
  unsigned numCarried = getNumCarried();
  for (unsigned k = 0; k < getNumScanOutputs(); ++k) {
    Value output = getResult(numCarried + k);
    Type element = insertDim(
        cast<RankedTensorType>(getYield().getValues()[1 + numCarried + k].getType()), 0,
        ShapedType::kDynamic);
    if (iterations)
      element = withDim(element, 0, *iterations);
    else if (auto current = cast<RankedTensorType>(output.getType()); !current.isDynamicDim(0))
      element = withDim(element, 0, current.getDimSize(0));
    changed |= refine(output, element);
  }
  return changed;
}

bool ScanOp::refineTypes() {
  bool changed = false;
  Block &body = getBody().front();
  unsigned numStates = getNumStates();
  for (auto [i, initial] : llvm::enumerate(getInitialStates())) {
    changed |= refine(body.getArgument(i), initial.getType());
    changed |= refine(getResult(i), initial.getType());
  }
  for (auto [j, input] : llvm::enumerate(getScanInputs()))
    changed |= refine(body.getArgument(numStates + j),
                      dropDim(cast<RankedTensorType>(input.getType()), getScanInputAxes()[j]));
  int64_t length = getSequenceLength();
  for (unsigned k = 0; k < getNumScanOutputs(); ++k) {
    auto element = cast<RankedTensorType>(getYield().getValues()[numStates + k].getType());
    changed |= refine(getResult(numStates + k),
                      insertDim(element, getScanOutputAxes()[k], length));
  }
  return changed;
}

} // namespace kiln::graph
