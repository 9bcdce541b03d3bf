//===- Importer.cpp - ONNX model to graph dialect -------------------------===//
//
// Walks the ONNX graph in its (topological) node order, dispatching each node
// to the handler registered for its op type and opset. Inputs become function
// arguments, initializers become constants on first use, and every op carries
// a location naming its ONNX node.
//
//===----------------------------------------------------------------------===//

#include "compiler/Importer.h"
#include "compiler/GraphImporter.h"
#include "compiler/ModelLoader.h"
#include "compiler/NodeImporter.h"
#include "ir/GraphDialect.h"
#include "ir/GraphOps.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace kiln {

//===----------------------------------------------------------------------===//
// The handler table
//===----------------------------------------------------------------------===//

static const llvm::StringMap<SmallVector<OpImporterEntry, 2>> &importerTable() {
  static const auto table = [] {
    llvm::StringMap<SmallVector<OpImporterEntry, 2>> map;
    for (auto family : {elementwiseImporters(), nnImporters(), tensorImporters(),
                        legacyImporters(), signalImporters(), recurrentImporters(),
                        miscImporters(), samplingImporters(), quantImporters(),
                        compositeImporters(), dynamicImporters(),
                        controlFlowImporters()})
      for (const OpImporterEntry &entry : family)
        map[entry.opType].push_back(entry);
    return map;
  }();
  return table;
}

static bool isDefaultDomain(llvm::StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

static const OpImporterEntry *findImporter(llvm::StringRef domain, llvm::StringRef opType,
                                           int64_t opset) {
  if (!isDefaultDomain(domain))
    return nullptr;
  auto it = importerTable().find(opType);
  if (it == importerTable().end())
    return nullptr;
  for (const OpImporterEntry &entry : it->second)
    if (opset >= entry.minOpset && opset <= entry.maxOpset)
      return &entry;
  return nullptr;
}

bool isOperatorSupported(llvm::StringRef domain, llvm::StringRef opType, int64_t opset) {
  return findImporter(domain, opType, opset) != nullptr;
}

void registerImportDialects(MLIRContext &context) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int64_t opset, Location loc)
    : graph(graph), node(node), opsetVersion(opset), location(loc) {}

OpBuilder &NodeImporter::builder() { return graph.builder(); }
llvm::StringRef NodeImporter::opType() const { return node.op_type(); }
InFlightDiagnostic NodeImporter::emitError() { return mlir::emitError(location); }

size_t NodeImporter::numInputs() const { return node.input_size(); }
bool NodeImporter::hasInput(size_t i) const {
  return i < size_t(node.input_size()) && !node.input(i).empty();
}
Value NodeImporter::input(size_t i) {
  return hasInput(i) ? graph.lookup(node.input(i)) : Value();
}
FailureOr<Value> NodeImporter::requiredInput(size_t i, llvm::StringRef what) {
  if (Value v = input(i))
    return v;
  return emitError() << opType() << " needs input " << i << " (" << what << ")";
}
RankedTensorType NodeImporter::inputType(size_t i) {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

size_t NodeImporter::numOutputs() const { return node.output_size(); }
bool NodeImporter::outputUsed(size_t i) const {
  return i < size_t(node.output_size()) && !node.output(i).empty();
}
RankedTensorType NodeImporter::inferredOutputType(size_t i) {
  return outputUsed(i) ? graph.inferredType(node.output(i)) : RankedTensorType();
}

const onnx::AttributeProto *NodeImporter::findAttr(llvm::StringRef name) const {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}
bool NodeImporter::hasAttr(llvm::StringRef name) const { return findAttr(name); }

LogicalResult NodeImporter::attrTypeError(const onnx::AttributeProto &attr,
                                          llvm::StringRef expected) {
  return emitError() << "attribute '" << attr.name() << "' of " << opType() << " must be "
                     << expected << ", got "
                     << onnx::AttributeProto::AttributeType_Name(attr.type());
}

LogicalResult NodeImporter::unsupportedAttrValue(llvm::StringRef name, llvm::StringRef value) {
  return emitError() << opType() << " with " << name << " = " << value
                     << " is not supported";
}

FailureOr<int64_t> NodeImporter::getInt(llvm::StringRef name,
                                        std::optional<int64_t> fallback) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << opType() << " needs attribute '" << name << "'";
  }
  if (attr->type() != onnx::AttributeProto::INT)
    return attrTypeError(*attr, "INT");
  return attr->i();
}

FailureOr<float> NodeImporter::getFloat(llvm::StringRef name, std::optional<float> fallback) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << opType() << " needs attribute '" << name << "'";
  }
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return attrTypeError(*attr, "FLOAT");
  return attr->f();
}

FailureOr<std::string> NodeImporter::getString(llvm::StringRef name,
                                               std::optional<std::string> fallback) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << opType() << " needs attribute '" << name << "'";
  }
  if (attr->type() != onnx::AttributeProto::STRING)
    return attrTypeError(*attr, "STRING");
  return attr->s();
}

FailureOr<SmallVector<int64_t>>
NodeImporter::getInts(llvm::StringRef name, std::optional<SmallVector<int64_t>> fallback) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << opType() << " needs attribute '" << name << "'";
  }
  if (attr->type() != onnx::AttributeProto::INTS)
    return attrTypeError(*attr, "INTS");
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<SmallVector<float>>
NodeImporter::getFloats(llvm::StringRef name, std::optional<SmallVector<float>> fallback) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (fallback)
      return *fallback;
    return emitError() << opType() << " needs attribute '" << name << "'";
  }
  if (attr->type() != onnx::AttributeProto::FLOATS)
    return attrTypeError(*attr, "FLOATS");
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

FailureOr<ElementsAttr> NodeImporter::getTensor(llvm::StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return emitError() << opType() << " needs attribute '" << name << "'";
  if (attr->type() != onnx::AttributeProto::TENSOR)
    return attrTypeError(*attr, "TENSOR");
  // The converter may move raw bytes out of the tensor; work on a copy so the
  // model stays intact (attribute tensors are small).
  onnx::TensorProto copy = attr->t();
  if (copy.name().empty())
    copy.set_name(node.name());
  return graph.convertTensor(copy, location);
}

FailureOr<const onnx::GraphProto *> NodeImporter::getGraph(llvm::StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return emitError() << opType() << " needs attribute '" << name << "'";
  if (attr->type() != onnx::AttributeProto::GRAPH)
    return attrTypeError(*attr, "GRAPH");
  return &attr->g();
}

LogicalResult NodeImporter::importSubgraph(const onnx::GraphProto &subgraph, Region &region,
                                           ArrayRef<Type> argTypes) {
  return graph.importSubgraph(subgraph, region, argTypes, location);
}

LogicalResult NodeImporter::setResults(ValueRange values) {
  if (values.size() < numOutputs()) {
    for (size_t i = values.size(); i < numOutputs(); ++i)
      if (outputUsed(i))
        return emitError() << "output " << i << " ('" << node.output(i) << "') of "
                           << opType() << " is not supported by kiln";
  }
  if (llvm::any_of(values, [](Value v) { return !v; }))
    return failure(); // building an op failed and was diagnosed
  for (auto [i, value] : llvm::enumerate(values)) {
    if (!outputUsed(i))
      continue;
    // Refine the inferred type with ONNX's when the op allows a more static
    // result than it infers from its operands.
    if (RankedTensorType onnxType = inferredOutputType(i)) {
      Operation *def = value.getDefiningOp();
      if (def && def->hasTrait<graph::OpTrait::RefinableResultTypes>() &&
          graph::isMoreRefinedType(onnxType, value.getType()))
        value.setType(onnxType);
    }
    if (failed(graph.bind(node.output(i), value, location)))
      return failure();
  }
  return success();
}

Value NodeImporter::constI64(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, builder().getI64Type());
  return create<graph::ConstantOp>(DenseElementsAttr::get(type, values));
}

Value NodeImporter::constScalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat f(value);
    bool lost;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    element = FloatAttr::get(floatType, f);
  } else {
    element = IntegerAttr::get(elementType, static_cast<int64_t>(value));
  }
  return create<graph::ConstantOp>(DenseElementsAttr::get(type, element));
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &context, LoadedModel &model,
                             const ImportOptions &options)
    : context(context), model(model), options(options),
      graph(*model.proto->mutable_graph()), bodyBuilder(&context),
      constantBuilder(&context),
      tensors(&context, model.directory, options.inlineConstantLimit),
      fileLoc(FileLineColLoc::get(&context, model.path, 0, 0)) {}

const std::string &GraphImporter::modelPath() const { return model.path; }

Location GraphImporter::nodeLocation(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  // The op type rides along as metadata so diagnostics (and IR readers) see
  // which ONNX operator a location came from.
  return FusedLoc::get({NameLoc::get(StringAttr::get(&context, name), fileLoc)},
                       StringAttr::get(&context, node.op_type()), &context);
}

RankedTensorType GraphImporter::inferredType(llvm::StringRef name) {
  auto it = valueTypes.find(name);
  return it == valueTypes.end() ? RankedTensorType()
                                : convertTensorType(&context, *it->second);
}

FailureOr<ElementsAttr> GraphImporter::convertTensor(onnx::TensorProto &tensor, Location loc) {
  // Resource keys must re-parse as bare identifiers; ONNX names such as
  // "onnx::Conv_239" or "/layer1/conv" do not.
  std::string blobName = tensor.name().empty() ? std::string("tensor") : tensor.name();
  for (char &c : blobName)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  if (!llvm::isAlpha(blobName.front()) && blobName.front() != '_')
    blobName.insert(blobName.begin(), '_');
  auto attr = tensors.convert(tensor, blobName);
  if (!attr)
    return emitError(loc) << llvm::toString(attr.takeError());
  return *attr;
}

Value GraphImporter::lookup(llvm::StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end())
    return {};
  Location loc = NameLoc::get(StringAttr::get(&context, name), fileLoc);
  auto attr = convertTensor(*init->second, loc);
  if (failed(attr))
    return {};
  Value constant = constantBuilder.create<graph::ConstantOp>(loc, *attr);
  values[name] = constant;
  return constant;
}

LogicalResult GraphImporter::bind(llvm::StringRef name, Value value, Location loc) {
  if (values.count(name) || initializers.count(name))
    return emitError(loc) << "value '" << name
                          << "' is defined more than once (ONNX graphs are SSA)";
  values[name] = value;
  if (!scopes.empty())
    scopes.back().push_back(name.str());
  return success();
}

/// Checks the node's attribute names and kinds against ONNX's schema, so a
/// misspelled or mistyped attribute is an error rather than silently ignored.
static LogicalResult checkAgainstSchema(const onnx::NodeProto &node, int64_t opset,
                                        Location loc) {
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), static_cast<int>(opset), node.domain());
  if (!schema)
    return success(); // the handler lookup reports unknown operators
  for (const auto &attr : node.attribute()) {
    auto it = schema->attributes().find(attr.name());
    if (it == schema->attributes().end())
      return emitError(loc) << node.op_type() << " (opset " << opset
                            << ") has no attribute '" << attr.name() << "'";
    if (attr.type() != it->second.type)
      return emitError(loc) << "attribute '" << attr.name() << "' of " << node.op_type()
                            << " must be "
                            << onnx::AttributeProto::AttributeType_Name(it->second.type)
                            << ", got " << onnx::AttributeProto::AttributeType_Name(attr.type());
  }
  int inputs = node.input_size(), outputs = node.output_size();
  if (inputs < schema->min_input() || inputs > schema->max_input())
    return emitError(loc) << node.op_type() << " takes " << schema->min_input() << " to "
                          << schema->max_input() << " inputs, got " << inputs;
  const auto &formals = schema->inputs();
  for (int i = 0; i < inputs && i < int(formals.size()); ++i)
    if (formals[i].GetOption() == onnx::OpSchema::Single && node.input(i).empty())
      return emitError(loc) << node.op_type() << " input " << i << " ('"
                            << formals[i].GetName() << "') is required but empty";
  if (outputs < schema->min_output() || outputs > schema->max_output())
    return emitError(loc) << node.op_type() << " has " << schema->min_output() << " to "
                          << schema->max_output() << " outputs, got " << outputs;
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node, size_t index) {
  Location loc = nodeLocation(node, index);
  const OpImporterEntry *entry = findImporter(node.domain(), node.op_type(), model.opset);
  if (!entry) {
    if (!isDefaultDomain(node.domain()))
      return emitError(loc) << "operator " << node.op_type() << " of domain '"
                            << node.domain() << "' is not supported";
    InFlightDiagnostic diag = emitError(loc) << "operator " << node.op_type() << " (opset "
                                             << model.opset << ") is not supported";
    // An operator kiln imports in other opsets: say which, since the model's
    // opset (not the operator) is what is missing.
    auto known = importerTable().find(node.op_type());
    if (known != importerTable().end() && !known->second.empty()) {
      int64_t lowest = known->second.front().minOpset;
      for (const OpImporterEntry &row : known->second)
        lowest = std::min(lowest, row.minOpset);
      diag << " (kiln imports " << node.op_type() << " from opset " << lowest << ")";
    }
    return diag;
  }
  if (failed(checkAgainstSchema(node, model.opset, loc)))
    return failure();
  for (const std::string &name : node.input()) {
    if (!name.empty() && !lookup(name)) {
      if (initializers.count(name))
        return failure(); // the constant's conversion was diagnosed
      return emitError(loc) << "input '" << name
                            << "' is not defined before this node (missing initializer, "
                               "or nodes out of order)";
    }
  }
  NodeImporter importer(*this, node, model.opset, loc);
  if (failed(entry->handler(importer)))
    return failure();
  for (const std::string &name : node.output())
    if (!name.empty() && !values.count(name))
      return emitError(loc) << "internal error: the " << node.op_type()
                            << " importer did not bind output '" << name << "'";
  return success();
}

FailureOr<OwningOpRef<ModuleOp>> GraphImporter::run() {
  registerImportDialects(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  Builder b(&context);
  (*module)->setAttr("graph.source",
                     b.getStringAttr(llvm::sys::path::filename(model.path)));
  (*module)->setAttr("graph.opset", b.getI64IntegerAttr(model.opset));
  if (!model.proto->producer_name().empty())
    (*module)->setAttr("graph.producer",
                       b.getStringAttr(model.proto->producer_name() + " " +
                                       model.proto->producer_version()));

  for (auto &init : *graph.mutable_initializer())
    initializers[init.name()] = &init;
  for (const auto &info : graph.value_info())
    valueTypes[info.name()] = &info.type();
  for (const auto &info : graph.output())
    valueTypes[info.name()] = &info.type();

  // Graph inputs that are also initializers are constants with a default
  // (IR version < 4 listed every initializer as an input).
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    RankedTensorType type = convertTensorType(&context, input.type());
    Location loc = NameLoc::get(b.getStringAttr(input.name()), fileLoc);
    if (!type) {
      const auto &tensorType = input.type().tensor_type();
      if (!input.type().has_tensor_type())
        return emitError(loc) << "input '" << input.name()
                              << "' is not a tensor (sequences and maps are not supported)";
      if (!convertElementType(&context, tensorType.elem_type()))
        return emitError(loc) << "input '" << input.name() << "' has element type "
                              << elementTypeName(tensorType.elem_type())
                              << ", which is not supported";
      return emitError(loc) << "input '" << input.name()
                            << "' has no shape; give one with --input-shape";
    }
    argTypes.push_back(type);
    args.push_back(&input);
  }

  auto func = func::FuncOp::create(fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  module->push_back(func);
  Block *entry = func.addEntryBlock();
  for (auto [i, arg] : llvm::enumerate(args)) {
    values[arg->name()] = entry->getArgument(i);
    func.setArgAttr(i, "graph.name", b.getStringAttr(arg->name()));
  }
  bodyBuilder.setInsertionPointToEnd(entry);
  constantBuilder.setInsertionPointToStart(entry);

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Location> outputLocs;
  for (const auto &output : graph.output()) {
    Value value = lookup(output.name());
    Location loc = NameLoc::get(b.getStringAttr(output.name()), fileLoc);
    if (!value)
      return emitError(loc) << "graph output '" << output.name() << "' is never computed";
    results.push_back(value);
    outputLocs.push_back(loc);
  }
  // The return names the graph's outputs, as every other op names its node.
  bodyBuilder.create<func::ReturnOp>(
      outputLocs.empty() ? Location(fileLoc) : FusedLoc::get(&context, outputLocs), results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "graph.name", b.getStringAttr(output.name()));

  if (failed(verify(*module)))
    return failure();
  return module;
}

FailureOr<OwningOpRef<ModuleOp>> importModel(MLIRContext &context, LoadedModel &model,
                                             const ImportOptions &options) {
  GraphImporter importer(context, model, options);
  return importer.run();
}

} // namespace kiln
