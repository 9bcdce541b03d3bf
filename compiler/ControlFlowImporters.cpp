//===- ControlFlowImporters.cpp - ONNX If, Loop and Scan ------------------===//
//
// Control-flow nodes carry subgraphs (GRAPH attributes), imported as regions
// of graph.if / graph.loop / graph.scan. A subgraph reads outer values by
// name; the importer's name map holds every value in scope, so those reads
// become plain uses of outer SSA values, and the names a subgraph defines
// leave scope when it is done.
//
// Types: ONNX shape inference (run on the whole model, subgraphs included)
// types most subgraph values; a subgraph input it leaves untyped (Loop
// bodies exported from functions often are) takes the type of the value the
// outer op feeds it, and subgraph outputs take the types the body's ops
// infer.
//
//===----------------------------------------------------------------------===//

#include "compiler/GraphImporter.h"
#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/ScopeExit.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {

//===----------------------------------------------------------------------===//
// Subgraphs
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &subgraph, Region &region,
                                            ArrayRef<Type> argTypes, Location loc) {
  if (!argTypes.empty() && argTypes.size() != size_t(subgraph.input_size()))
    return emitError(loc) << "subgraph '" << subgraph.name() << "' takes "
                          << subgraph.input_size() << " inputs; the operator passes "
                          << argTypes.size();
  for (const auto &info : subgraph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const auto &info : subgraph.output())
    valueTypes[info.name()] = &info.type();

  Block *block = new Block();
  region.push_back(block);
  OpBuilder::InsertionGuard guard(bodyBuilder);
  bodyBuilder.setInsertionPointToEnd(block);
  scopes.emplace_back();
  auto leaveScope = llvm::make_scope_exit([&] {
    for (const std::string &name : scopes.back())
      values.erase(name);
    scopes.pop_back();
  });

  for (auto [i, input] : llvm::enumerate(subgraph.input())) {
    Location argLoc = NameLoc::get(StringAttr::get(&context, input.name()), loc);
    RankedTensorType declared = convertTensorType(&context, input.type());
    Type given = i < argTypes.size() ? argTypes[i] : Type();
    Type type = declared;
    if (given) {
      if (declared && !areCompatibleReturnTypes(declared, given))
        return emitError(argLoc) << "subgraph input '" << input.name() << "' is declared "
                                 << declared << " but receives " << given;
      if (!declared || !isMoreRefinedType(declared, given))
        type = given;
    }
    if (!type)
      return emitError(argLoc) << "subgraph input '" << input.name()
                               << "' has no tensor type and the operator gives none";
    if (failed(bind(input.name(), block->addArgument(type, argLoc), argLoc)))
      return failure();
  }
  // A subgraph's own initializers are constants at the top of its block.
  for (const onnx::TensorProto &init : subgraph.initializer()) {
    Location initLoc = NameLoc::get(StringAttr::get(&context, init.name()), loc);
    onnx::TensorProto copy = init; // the converter may move the raw bytes
    auto attr = convertTensor(copy, initLoc);
    if (failed(attr))
      return failure();
    Value constant = bodyBuilder.create<ConstantOp>(initLoc, *attr);
    if (failed(bind(init.name(), constant, initLoc)))
      return failure();
  }
  for (auto [index, node] : llvm::enumerate(subgraph.node()))
    if (failed(importNode(node, index)))
      return failure();

  SmallVector<Value> outputs;
  for (const auto &output : subgraph.output()) {
    Value value = lookup(output.name());
    if (!value)
      return emitError(loc) << "output '" << output.name() << "' of subgraph '"
                            << subgraph.name() << "' is never computed";
    outputs.push_back(value);
  }
  bodyBuilder.create<YieldOp>(loc, outputs);
  return success();
}

namespace {

constexpr int64_t kMax = 17;

YieldOp yieldOf(Region &region) { return cast<YieldOp>(region.front().getTerminator()); }

/// The type both branches of an If agree on: equal static dimensions stay,
/// others become dynamic. Null when ranks or element types differ.
RankedTensorType joinTypes(Type a, Type b) {
  auto x = cast<RankedTensorType>(a), y = cast<RankedTensorType>(b);
  if (x.getElementType() != y.getElementType() || x.getRank() != y.getRank())
    return {};
  SmallVector<int64_t> shape;
  for (auto [m, n] : llvm::zip(x.getShape(), y.getShape()))
    shape.push_back(m == n ? m : ShapedType::kDynamic);
  return RankedTensorType::get(shape, x.getElementType());
}

/// `type` refined by what ONNX shape inference recorded for output `i`.
Type refineWithOnnx(NodeImporter &node, size_t i, Type type) {
  RankedTensorType onnx = node.inferredOutputType(i);
  return onnx && isMoreRefinedType(onnx, type) ? onnx : type;
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

LogicalResult importIf(NodeImporter &node) {
  auto cond = node.requiredInput(0, "cond");
  auto thenGraph = node.getGraph("then_branch");
  auto elseGraph = node.getGraph("else_branch");
  if (failed(cond) || failed(thenGraph) || failed(elseGraph))
    return failure();
  Region thenRegion, elseRegion;
  if (failed(node.importSubgraph(**thenGraph, thenRegion, {})) ||
      failed(node.importSubgraph(**elseGraph, elseRegion, {})))
    return failure();
  TypeRange thenTypes = yieldOf(thenRegion).getValues().getTypes();
  TypeRange elseTypes = yieldOf(elseRegion).getValues().getTypes();
  if (thenTypes.size() != node.numOutputs() || elseTypes.size() != node.numOutputs())
    return node.emitError() << "If has " << node.numOutputs() << " outputs but its branches "
                            << "yield " << thenTypes.size() << " and " << elseTypes.size();
  SmallVector<Type> resultTypes;
  for (size_t i = 0; i < thenTypes.size(); ++i) {
    RankedTensorType joined = joinTypes(thenTypes[i], elseTypes[i]);
    if (!joined)
      return node.emitError() << "If output " << i << ": the then branch yields "
                              << thenTypes[i] << " and the else branch " << elseTypes[i]
                              << " (element types and ranks must agree)";
    resultTypes.push_back(refineWithOnnx(node, i, joined));
  }
  auto op = node.create<IfOp>(resultTypes, *cond);
  op.getThenBranch().takeBody(thenRegion);
  op.getElseBranch().takeBody(elseRegion);
  return node.setResults(op.getResults());
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

LogicalResult importLoop(NodeImporter &node) {
  auto body = node.getGraph("body");
  if (failed(body))
    return failure();
  Value tripCount = node.input(0), cond = node.input(1);
  SmallVector<Value> initial;
  for (size_t i = 2; i < node.numInputs(); ++i) {
    auto value = node.requiredInput(i, "loop-carried initial value");
    if (failed(value))
      return failure();
    initial.push_back(*value);
  }
  MLIRContext *context = node.context();
  Type i64 = IntegerType::get(context, 64), i1 = IntegerType::get(context, 1);
  SmallVector<Type> argTypes = {RankedTensorType::get({}, i64), RankedTensorType::get({}, i1)};
  for (Value value : initial)
    argTypes.push_back(value.getType());
  Region region;
  if (failed(node.importSubgraph(**body, region, argTypes)))
    return failure();

  YieldOp yield = yieldOf(region);
  size_t numCarried = initial.size();
  if (yield.getValues().size() < 1 + numCarried)
    return node.emitError() << "the Loop body yields " << yield.getValues().size()
                            << " values; it needs the condition and " << numCarried
                            << " loop-carried values";
  size_t numScan = yield.getValues().size() - 1 - numCarried;
  if (node.numOutputs() != numCarried + numScan)
    return node.emitError() << "Loop has " << node.numOutputs() << " outputs; its body gives "
                            << numCarried << " loop-carried values and " << numScan
                            << " scan outputs";
  SmallVector<Type> resultTypes;
  for (size_t i = 0; i < numCarried; ++i) {
    Type next = yield.getValues()[1 + i].getType();
    if (!areCompatibleReturnTypes(next, initial[i].getType()))
      return node.emitError() << "loop-carried value " << i << " ('"
                              << (*body)->output(1 + i).name() << "') changes from "
                              << initial[i].getType() << " to " << next
                              << " across iterations; kiln needs it to keep its shape";
    resultTypes.push_back(refineWithOnnx(node, i, initial[i].getType()));
  }

  // The scan outputs' length is the number of iterations: known when the
  // trip count is a constant and the condition never stops the loop early,
  // or when the model declares it; otherwise dynamic (lowering rejects it).
  for (size_t k = 0; k < numScan; ++k) {
    auto element = cast<RankedTensorType>(yield.getValues()[1 + numCarried + k].getType());
    SmallVector<int64_t> shape = {ShapedType::kDynamic};
    llvm::append_range(shape, element.getShape());
    resultTypes.push_back(RankedTensorType::get(shape, element.getElementType()));
  }
  auto op = node.create<LoopOp>(resultTypes, tripCount, cond, initial);
  op.getBody().takeBody(region);
  std::optional<int64_t> iterations = op.getConstantTripCount();
  for (size_t i = numCarried; i < resultTypes.size(); ++i) {
    auto type = cast<RankedTensorType>(resultTypes[i]);
    SmallVector<int64_t> shape(type.getShape());
    if (iterations)
      shape[0] = *iterations;
    op.getResult(i).setType(
        refineWithOnnx(node, i, RankedTensorType::get(shape, type.getElementType())));
  }
  return node.setResults(op.getResults());
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

RankedTensorType dropDim(Type type, int64_t axis) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, tensor.getElementType());
}

RankedTensorType insertDim(Type type, int64_t axis, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape.insert(shape.begin() + axis, size);
  return RankedTensorType::get(shape, tensor.getElementType());
}

/// The parts of a Scan once its operands are split and its axes resolved.
struct ScanParts {
  SmallVector<Value> states, inputs;
  SmallVector<int64_t> inputAxes, inputDirections, outputAxes, outputDirections;
};

/// Builds graph.scan around `region` (already imported) and returns it; the
/// result types follow from the body's yields.
ScanOp buildScan(OpBuilder &builder, Location loc, const ScanParts &parts, Region &region,
                 NodeImporter *node) {
  YieldOp yield = yieldOf(region);
  int64_t length = ShapedType::kDynamic;
  for (auto [input, axis] : llvm::zip(parts.inputs, parts.inputAxes)) {
    int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(axis);
    if (!ShapedType::isDynamic(size))
      length = size;
  }
  SmallVector<Type> resultTypes;
  for (auto [i, state] : llvm::enumerate(parts.states))
    resultTypes.push_back(node ? refineWithOnnx(*node, i, state.getType()) : state.getType());
  for (auto [k, axis] : llvm::enumerate(parts.outputAxes)) {
    Type type = insertDim(yield.getValues()[parts.states.size() + k].getType(), axis, length);
    resultTypes.push_back(node ? refineWithOnnx(*node, parts.states.size() + k, type) : type);
  }
  auto op = builder.create<ScanOp>(loc, resultTypes, parts.states, parts.inputs,
                                   parts.inputAxes, parts.inputDirections, parts.outputAxes,
                                   parts.outputDirections);
  op.getBody().takeBody(region);
  return op;
}

/// Resolves a list of axes attribute (default all 0) against ranks.
FailureOr<SmallVector<int64_t>> getAxes(NodeImporter &node, StringRef name, size_t count,
                                        llvm::function_ref<int64_t(size_t)> rankOf) {
  auto axes = node.getInts(name, SmallVector<int64_t>(count, 0));
  if (failed(axes))
    return failure();
  if (axes->size() != count)
    return node.emitError() << "Scan attribute '" << name << "' has " << axes->size()
                            << " entries for " << count << " values";
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    int64_t rank = rankOf(i);
    if (axis < -rank || axis >= rank)
      return node.emitError() << "Scan attribute '" << name << "' entry " << i << " = "
                              << axis << " is out of range for rank " << rank;
    if (axis < 0)
      axis += rank;
  }
  return axes;
}

FailureOr<SmallVector<int64_t>> getDirections(NodeImporter &node, StringRef name,
                                              size_t count) {
  auto directions = node.getInts(name, SmallVector<int64_t>(count, 0));
  if (failed(directions))
    return failure();
  if (directions->size() != count)
    return node.emitError() << "Scan attribute '" << name << "' has " << directions->size()
                            << " entries for " << count << " values";
  for (int64_t direction : *directions)
    if (direction != 0 && direction != 1)
      return node.emitError() << "Scan attribute '" << name
                              << "' entries must be 0 or 1, got " << direction;
  return directions;
}

/// Opset 9 on: [states..., scan inputs...] with per-input axes.
LogicalResult importScan(NodeImporter &node) {
  auto body = node.getGraph("body");
  auto numInputs = node.getInt("num_scan_inputs", std::nullopt);
  if (failed(body) || failed(numInputs))
    return failure();
  if (*numInputs < 1 || size_t(*numInputs) > node.numInputs())
    return node.emitError() << "Scan has num_scan_inputs = " << *numInputs << " with "
                            << node.numInputs() << " inputs";
  ScanParts parts;
  size_t numStates = node.numInputs() - *numInputs;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    auto value = node.requiredInput(i, i < numStates ? "initial state" : "scan input");
    if (failed(value))
      return failure();
    (i < numStates ? parts.states : parts.inputs).push_back(*value);
  }
  auto inputAxes = getAxes(node, "scan_input_axes", parts.inputs.size(), [&](size_t j) {
    return cast<RankedTensorType>(parts.inputs[j].getType()).getRank();
  });
  auto inputDirections = getDirections(node, "scan_input_directions", parts.inputs.size());
  if (failed(inputAxes) || failed(inputDirections))
    return failure();
  parts.inputAxes = *inputAxes;
  parts.inputDirections = *inputDirections;

  SmallVector<Type> argTypes;
  for (Value state : parts.states)
    argTypes.push_back(state.getType());
  for (auto [input, axis] : llvm::zip(parts.inputs, parts.inputAxes))
    argTypes.push_back(dropDim(input.getType(), axis));
  Region region;
  if (failed(node.importSubgraph(**body, region, argTypes)))
    return failure();
  YieldOp yield = yieldOf(region);
  if (yield.getValues().size() < numStates)
    return node.emitError() << "the Scan body yields " << yield.getValues().size()
                            << " values for " << numStates << " states";
  size_t numOutputs = yield.getValues().size() - numStates;
  if (node.numOutputs() != numStates + numOutputs)
    return node.emitError() << "Scan has " << node.numOutputs() << " outputs; its body gives "
                            << numStates << " states and " << numOutputs << " scan outputs";
  auto outputAxes = getAxes(node, "scan_output_axes", numOutputs, [&](size_t k) {
    return cast<RankedTensorType>(yield.getValues()[numStates + k].getType()).getRank() + 1;
  });
  auto outputDirections = getDirections(node, "scan_output_directions", numOutputs);
  if (failed(outputAxes) || failed(outputDirections))
    return failure();
  parts.outputAxes = *outputAxes;
  parts.outputDirections = *outputDirections;
  ScanOp op = buildScan(node.builder(), node.loc(), parts, region, &node);
  return node.setResults(op.getResults());
}

/// Opset 8: [sequence_lens, states..., scan inputs...], every value with a
/// leading batch dimension and the inputs scanned along axis 1. Imported as
/// an outer scan over the batch (states and inputs are its scan inputs, all
/// results its scan outputs) whose body is the opset 9 scan of one batch
/// entry.
LogicalResult importScan8(NodeImporter &node) {
  if (node.hasInput(0))
    return node.emitError() << "Scan (opset 8) with sequence_lens is not supported";
  auto body = node.getGraph("body");
  auto numInputs = node.getInt("num_scan_inputs", std::nullopt);
  if (failed(body) || failed(numInputs))
    return failure();
  if (*numInputs < 1 || size_t(*numInputs) + 1 > node.numInputs())
    return node.emitError() << "Scan has num_scan_inputs = " << *numInputs << " with "
                            << node.numInputs() << " inputs";
  size_t numStates = node.numInputs() - 1 - *numInputs;
  ScanParts outer, inner;
  for (size_t i = 1; i < node.numInputs(); ++i) {
    auto value = node.requiredInput(i, i <= numStates ? "initial state" : "scan input");
    if (failed(value))
      return failure();
    auto type = cast<RankedTensorType>(value->getType());
    if (type.getRank() < (i <= numStates ? 1 : 2))
      return node.emitError() << "Scan (opset 8) input " << i << " of type " << type
                              << " lacks the batch" << (i <= numStates ? "" : " and sequence")
                              << " dimensions";
    outer.inputs.push_back(*value);
    outer.inputAxes.push_back(0);
    outer.inputDirections.push_back(0);
  }
  auto directions = getDirections(node, "directions", *numInputs);
  if (failed(directions))
    return failure();

  // The per-batch-entry body: states and inputs lose the batch dimension,
  // inputs then lose the sequence dimension.
  SmallVector<Type> outerArgTypes, innerArgTypes;
  for (auto [i, value] : llvm::enumerate(outer.inputs)) {
    outerArgTypes.push_back(dropDim(value.getType(), 0));
    innerArgTypes.push_back(i < numStates ? outerArgTypes.back()
                                          : dropDim(outerArgTypes.back(), 0));
  }
  Region innerRegion;
  if (failed(node.importSubgraph(**body, innerRegion, innerArgTypes)))
    return failure();
  size_t numYields = yieldOf(innerRegion).getValues().size();
  if (numYields < numStates || node.numOutputs() != numYields)
    return node.emitError() << "Scan has " << node.numOutputs() << " outputs and "
                            << numStates << " states; its body yields " << numYields;
  size_t numOutputs = numYields - numStates;
  inner.inputAxes.assign(*numInputs, 0);
  inner.inputDirections = *directions;
  inner.outputAxes.assign(numOutputs, 0);
  inner.outputDirections.assign(numOutputs, 0);
  outer.outputAxes.assign(numYields, 0);
  outer.outputDirections.assign(numYields, 0);

  Region outerRegion;
  Block *block = new Block();
  outerRegion.push_back(block);
  for (Type type : outerArgTypes)
    block->addArgument(type, node.loc());
  {
    OpBuilder::InsertionGuard guard(node.builder());
    node.builder().setInsertionPointToEnd(block);
    for (auto [i, arg] : llvm::enumerate(block->getArguments()))
      (i < numStates ? inner.states : inner.inputs).push_back(arg);
    ScanOp innerScan = buildScan(node.builder(), node.loc(), inner, innerRegion, nullptr);
    node.builder().create<YieldOp>(node.loc(), innerScan.getResults());
  }
  ScanOp op = buildScan(node.builder(), node.loc(), outer, outerRegion, &node);
  return node.setResults(op.getResults());
}

const OpImporterEntry kControlFlowImporters[] = {
    {"If", 1, kMax, importIf},
    {"Loop", 1, kMax, importLoop},
    {"Scan", 8, 8, importScan8},
    {"Scan", 9, kMax, importScan},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> controlFlowImporters() { return kControlFlowImporters; }

} // namespace kiln
