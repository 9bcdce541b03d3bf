//===- MiscImporters.cpp - ONNX losses, scans, scatters, TopK, Einsum -----===//
//
// Handlers for the ops of GraphMiscOps.td. Two ONNX operators need no op of
// their own: CastLike is a graph.cast to the second operand's element type,
// and SoftmaxCrossEntropyLoss is log_softmax along the class axis followed by
// the negative log-likelihood loss (its definition in the ONNX spec).
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "compiler/TensorConversion.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// NodeImporter::create for ops with several inferred results: it builds
/// with placeholder types, then infers, and reports a failed inference at the
/// node (a null op) instead of aborting.
template <typename OpTy, typename... Args>
OpTy createMultiResult(NodeImporter &node, unsigned numResults, Args &&...args) {
  MLIRContext *context = node.context();
  OperationState state(node.loc(), OpTy::getOperationName());
  SmallVector<Type> placeholders(numResults, NoneType::get(context));
  OpTy::build(node.builder(), state, TypeRange(placeholders), std::forward<Args>(args)...);
  state.types.clear();
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(context, node.loc(), state.operands,
                                    state.attributes.getDictionary(context),
                                    state.getRawProperties(), state.regions, types)))
    return OpTy();
  state.addTypes(types);
  return cast<OpTy>(node.builder().create(state));
}

/// ONNX's `reduction` attribute, checked against the values the op's opset
/// allows (ScatterElements and ScatterND gained reductions in opset 16).
FailureOr<std::string> readReduction(NodeImporter &node, StringRef fallback,
                                     ArrayRef<StringRef> allowed) {
  auto reduction = node.getString("reduction", fallback.str());
  if (failed(reduction))
    return failure();
  if (!llvm::is_contained(allowed, *reduction))
    return node.emitError() << node.opType() << " (opset " << node.opset()
                            << ") has unknown reduction '" << *reduction << "'";
  return *reduction;
}

FailureOr<int64_t> readAxis(NodeImporter &node, int64_t fallback, int64_t rank) {
  auto axis = node.getInt("axis", fallback);
  if (failed(axis))
    return failure();
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for rank " << rank;
  return *normalized;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// The loss shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
FailureOr<Value> createNLLLoss(NodeImporter &node, Value logProb) {
  auto reduction = readReduction(node, "mean", {"none", "sum", "mean"});
  if (failed(reduction))
    return failure();
  IntegerAttr ignoreIndex;
  if (node.hasAttr("ignore_index")) {
    auto value = node.getInt("ignore_index", std::nullopt);
    if (failed(value))
      return failure();
    ignoreIndex = node.builder().getI64IntegerAttr(*value);
  }
  auto op = node.create<NegativeLogLikelihoodLossOp>(logProb, node.input(1), node.input(2),
                                                    *reduction, ignoreIndex);
  if (!op)
    return failure();
  return op.getResult();
}

LogicalResult importNegativeLogLikelihoodLoss(NodeImporter &node) {
  auto loss = createNLLLoss(node, node.input(0));
  if (failed(loss))
    return failure();
  return node.setResult(*loss);
}

LogicalResult importSoftmaxCrossEntropyLoss(NodeImporter &node) {
  if (node.inputType(0).getRank() < 2)
    return node.emitError() << "SoftmaxCrossEntropyLoss expects N x C x ... scores, got "
                            << node.inputType(0);
  auto logProb = node.create<LogSoftmaxOp>(node.input(0), 1);
  auto loss = createNLLLoss(node, logProb);
  if (failed(loss))
    return failure();
  return node.setResults(ValueRange{*loss, logProb.getResult()});
}

//===----------------------------------------------------------------------===//
// Masks, scans and constructors
//===----------------------------------------------------------------------===//

LogicalResult importTrilu(NodeImporter &node) {
  auto upper = node.getInt("upper", 1);
  if (failed(upper))
    return failure();
  Value k = node.hasInput(1) ? node.input(1) : node.constScalar(node.builder().getI64Type(), 0);
  return node.setResult(node.create<TriluOp>(node.input(0), k, *upper != 0));
}

LogicalResult importCumSum(NodeImporter &node) {
  auto exclusive = node.getInt("exclusive", 0);
  auto reverse = node.getInt("reverse", 0);
  if (failed(exclusive) || failed(reverse))
    return failure();
  return node.setResult(
      node.create<CumSumOp>(node.input(0), node.input(1), *exclusive != 0, *reverse != 0));
}

LogicalResult importCastLike(NodeImporter &node) {
  Type element = node.inputType(1).getElementType();
  return node.setResult(node.create<CastOp>(node.input(0), TypeAttr::get(element)));
}

LogicalResult importEyeLike(NodeImporter &node) {
  auto k = node.getInt("k", 0);
  if (failed(k))
    return failure();
  Type element = node.inputType(0).getElementType();
  if (node.hasAttr("dtype")) {
    auto dtype = node.getInt("dtype", std::nullopt);
    if (failed(dtype))
      return failure();
    element = convertElementType(node.context(), static_cast<int32_t>(*dtype));
    if (!element)
      return node.emitError() << "EyeLike of element type "
                              << elementTypeName(static_cast<int32_t>(*dtype))
                              << " is not supported";
  }
  if (node.inputType(0).getRank() != 2)
    return node.emitError() << "EyeLike expects a 2-D input, got " << node.inputType(0);
  return node.setResult(node.create<EyeLikeOp>(node.input(0), element, *k));
}

LogicalResult importOneHot(NodeImporter &node) {
  // The result has one more dimension than the indices; axis counts in it.
  auto axis = readAxis(node, -1, node.inputType(0).getRank() + 1);
  if (failed(axis))
    return failure();
  return node.setResult(
      node.create<OneHotOp>(node.input(0), node.input(1), node.input(2), *axis));
}

LogicalResult importEinsum(NodeImporter &node) {
  auto equation = node.getString("equation", std::nullopt);
  if (failed(equation))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < node.numInputs(); ++i)
    inputs.push_back(node.input(i));
  return node.setResult(node.create<EinsumOp>(inputs, *equation));
}

//===----------------------------------------------------------------------===//
// Scatters and selection
//===----------------------------------------------------------------------===//

/// ScatterElements, and Scatter (opsets 9-10), its earlier name.
LogicalResult importScatterElements(NodeImporter &node) {
  SmallVector<StringRef> allowed{"none"};
  if (node.opset() >= 16)
    allowed.append({"add", "mul"});
  if (node.opset() >= 18)
    allowed.append({"max", "min"});
  auto reduction = readReduction(node, "none", allowed);
  auto axis = readAxis(node, 0, node.inputType(0).getRank());
  if (failed(reduction) || failed(axis))
    return failure();
  return node.setResult(node.create<ScatterElementsOp>(node.input(0), node.input(1),
                                                       node.input(2), *axis, *reduction));
}

LogicalResult importScatterND(NodeImporter &node) {
  SmallVector<StringRef> allowed{"none"};
  if (node.opset() >= 16)
    allowed.append({"add", "mul"});
  if (node.opset() >= 18)
    allowed.append({"max", "min"});
  auto reduction = readReduction(node, "none", allowed);
  if (failed(reduction))
    return failure();
  return node.setResult(
      node.create<ScatterNDOp>(node.input(0), node.input(1), node.input(2), *reduction));
}

/// TopK: `k` is an attribute before opset 10; `largest` and `sorted` arrived
/// in opset 11.
LogicalResult importTopK(NodeImporter &node) {
  auto axis = readAxis(node, -1, node.inputType(0).getRank());
  auto largest = node.getInt("largest", 1);
  auto sorted = node.getInt("sorted", 1);
  if (failed(axis) || failed(largest) || failed(sorted))
    return failure();
  Value k = node.input(1);
  if (node.opset() < 10) {
    auto attr = node.getInt("k", std::nullopt);
    if (failed(attr))
      return failure();
    k = node.constI64({*attr});
  }
  auto op = createMultiResult<TopKOp>(node, 2, node.input(0), k, *axis, *largest != 0,
                                      *sorted != 0);
  if (!op)
    return failure();
  return node.setResults(op->getResults());
}

constexpr int64_t kMax = 17;

const OpImporterEntry kMiscImporters[] = {
    {"NegativeLogLikelihoodLoss", 12, kMax, importNegativeLogLikelihoodLoss},
    {"SoftmaxCrossEntropyLoss", 12, kMax, importSoftmaxCrossEntropyLoss},
    {"Trilu", 14, kMax, importTrilu},
    {"CumSum", 11, kMax, importCumSum},
    {"CastLike", 15, kMax, importCastLike},
    {"EyeLike", 9, kMax, importEyeLike},
    {"OneHot", 9, kMax, importOneHot},
    {"Einsum", 12, kMax, importEinsum},
    {"Scatter", 9, 10, importScatterElements},
    {"ScatterElements", 11, kMax, importScatterElements},
    {"ScatterND", 11, kMax, importScatterND},
    {"TopK", 1, kMax, importTopK},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> miscImporters() { return kMiscImporters; }

} // namespace kiln
