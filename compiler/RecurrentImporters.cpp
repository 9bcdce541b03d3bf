//===- RecurrentImporters.cpp - ONNX LSTM, GRU and RNN --------------------===//
//
// The recurrent ops have one form from opset 7 on; opset 14 added `layout`.
// The importer spells out every optional attribute for the graph op: the
// full per-direction activation list in canonical spelling, one alpha and
// beta per activation (consumed from ONNX's flat lists in order, by the
// functions that take them, with ONNX's defaults after the list runs out),
// and hidden_size (taken from R when the model omits it).
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// An activation ONNX allows in recurrent ops: its canonical name, whether it
/// takes alpha / beta, and their defaults (those of the ONNX operator of the
/// same name).
struct ActivationInfo {
  const char *name;
  bool takesAlpha, takesBeta;
  float alpha, beta;
};

constexpr ActivationInfo kActivations[] = {
    {"Relu", false, false, 0, 0},        {"Tanh", false, false, 0, 0},
    {"Sigmoid", false, false, 0, 0},     {"Affine", true, true, 1.0f, 0.0f},
    {"LeakyRelu", true, false, 0.01f, 0}, {"ThresholdedRelu", true, false, 1.0f, 0},
    {"ScaledTanh", true, true, 1.0f, 1.0f}, {"HardSigmoid", true, true, 0.2f, 0.5f},
    {"Elu", true, false, 1.0f, 0},       {"Softsign", false, false, 0, 0},
    {"Softplus", false, false, 0, 0},
};

/// ONNX names activations case-insensitively in practice (runtimes accept
/// "tanh" as well as "Tanh").
const ActivationInfo *findActivation(StringRef name) {
  for (const ActivationInfo &info : kActivations)
    if (name.equals_insensitive(info.name))
      return &info;
  return nullptr;
}

/// The normalized attributes shared by the three ops.
struct RecurrentAttrs {
  std::string direction;
  int64_t hiddenSize = 0;
  int64_t layout = 0;
  ArrayAttr activations;
  SmallVector<float> alpha, beta;
  FloatAttr clip;
};

FailureOr<SmallVector<std::string>> getStrings(NodeImporter &node, StringRef name) {
  SmallVector<std::string> values;
  for (const auto &attr : node.proto().attribute()) {
    if (attr.name() != name)
      continue;
    if (attr.type() != onnx::AttributeProto::STRINGS)
      return node.emitError() << "attribute '" << name << "' of " << node.opType()
                              << " must be STRINGS";
    values.assign(attr.strings().begin(), attr.strings().end());
  }
  return values;
}

/// Reads the shared attributes; `defaultActivations` are the gate functions
/// of one direction when the model gives none.
FailureOr<RecurrentAttrs> readRecurrentAttrs(NodeImporter &node,
                                             ArrayRef<StringRef> defaultActivations) {
  RecurrentAttrs attrs;
  auto direction = node.getString("direction", std::string("forward"));
  auto layout = node.opset() >= 14 ? node.getInt("layout", 0) : FailureOr<int64_t>(0);
  auto alphas = node.getFloats("activation_alpha", SmallVector<float>());
  auto betas = node.getFloats("activation_beta", SmallVector<float>());
  auto names = getStrings(node, "activations");
  if (failed(direction) || failed(layout) || failed(alphas) || failed(betas) || failed(names))
    return failure();
  attrs.direction = *direction;
  int64_t directions;
  if (attrs.direction == "forward" || attrs.direction == "reverse")
    directions = 1;
  else if (attrs.direction == "bidirectional")
    directions = 2;
  else
    return node.emitError() << "attribute 'direction' of " << node.opType()
                            << " must be forward, reverse or bidirectional, got '"
                            << attrs.direction << "'";
  if (*layout != 0 && *layout != 1)
    return node.emitError() << "attribute 'layout' of " << node.opType()
                            << " must be 0 or 1, got " << *layout;
  attrs.layout = *layout;

  // hidden_size is optional in the schema but determined by R.
  RankedTensorType rType = node.inputType(2);
  if (node.hasAttr("hidden_size")) {
    auto hidden = node.getInt("hidden_size", std::nullopt);
    if (failed(hidden))
      return failure();
    attrs.hiddenSize = *hidden;
  } else if (rType.getRank() == 3 && !rType.isDynamicDim(2)) {
    attrs.hiddenSize = rType.getDimSize(2);
  } else {
    return node.emitError() << node.opType()
                            << " without 'hidden_size' needs R with a static last dimension";
  }
  if (attrs.hiddenSize < 1)
    return node.emitError() << "attribute 'hidden_size' of " << node.opType()
                            << " must be positive, got " << attrs.hiddenSize;

  // One list of gate functions per direction. A single list given for a
  // bidirectional layer (with its alphas and betas) serves both directions.
  size_t perDirection = defaultActivations.size();
  SmallVector<std::string> given = *names;
  if (given.empty())
    given.assign(defaultActivations.begin(), defaultActivations.end());
  bool shared = given.size() == perDirection && directions == 2;
  if (!shared && given.size() != perDirection * directions)
    return node.emitError() << node.opType() << " expects " << perDirection * directions
                            << " activations for direction '" << attrs.direction << "', got "
                            << names->size();
  Builder b(node.context());
  SmallVector<Attribute> canonical;
  const float *nextAlpha = alphas->begin(), *nextBeta = betas->begin();
  for (const std::string &name : given) {
    const ActivationInfo *info = findActivation(name);
    if (!info)
      return node.emitError() << node.opType() << " activation '" << name
                              << "' is not supported";
    canonical.push_back(b.getStringAttr(info->name));
    float alpha = 0, beta = 0;
    if (info->takesAlpha)
      alpha = nextAlpha != alphas->end() ? *nextAlpha++ : info->alpha;
    if (info->takesBeta)
      beta = nextBeta != betas->end() ? *nextBeta++ : info->beta;
    attrs.alpha.push_back(alpha);
    attrs.beta.push_back(beta);
  }
  if (shared) {
    canonical.append(SmallVector<Attribute>(canonical));
    attrs.alpha.append(SmallVector<float>(attrs.alpha));
    attrs.beta.append(SmallVector<float>(attrs.beta));
  }
  attrs.activations = b.getArrayAttr(canonical);

  if (node.hasAttr("clip")) {
    auto clip = node.getFloat("clip", std::nullopt);
    if (failed(clip))
      return failure();
    if (!(*clip > 0))
      return node.emitError() << "attribute 'clip' of " << node.opType()
                              << " must be positive, got " << *clip;
    attrs.clip = b.getF32FloatAttr(*clip);
  }
  return attrs;
}

/// sequence_lens that is a constant equal to the sequence length everywhere
/// says nothing; dropping it spares the lowering its masking.
Value usefulSequenceLens(NodeImporter &node, int64_t layout) {
  Value lens = node.input(4);
  if (!lens)
    return lens;
  RankedTensorType xType = node.inputType(0);
  int64_t seq = xType.getRank() == 3 ? xType.getDimSize(layout == 0 ? 0 : 1)
                                     : ShapedType::kDynamic;
  std::optional<SmallVector<int64_t>> values = getConstantIntValues(lens);
  if (values && !ShapedType::isDynamic(seq) &&
      llvm::all_of(*values, [&](int64_t v) { return v == seq; }))
    return Value();
  return lens;
}

/// Builds a recurrent op with inferred result types. Like NodeImporter::create,
/// but for several results; an inference failure is a diagnostic at the node
/// and a null op.
template <typename OpTy, typename... Args>
OpTy createRecurrent(NodeImporter &node, unsigned numResults, Args &&...args) {
  OperationState state(node.loc(), OpTy::getOperationName());
  SmallVector<Type, 3> placeholders(numResults, NoneType::get(node.context()));
  OpTy::build(node.builder(), state, placeholders, std::forward<Args>(args)...);
  state.types.clear();
  SmallVector<Type, 3> types;
  if (failed(OpTy::inferReturnTypes(node.context(), node.loc(), state.operands,
                                    state.attributes.getDictionary(node.context()),
                                    state.getRawProperties(), state.regions, types)))
    return OpTy();
  state.addTypes(types);
  return cast<OpTy>(node.builder().create(state));
}

LogicalResult importLSTM(NodeImporter &node) {
  auto attrs = readRecurrentAttrs(node, {"Sigmoid", "Tanh", "Tanh"});
  auto inputForget = node.getInt("input_forget", 0);
  if (failed(attrs) || failed(inputForget))
    return failure();
  Builder b(node.context());
  auto op = createRecurrent<LSTMOp>(
      node, 3, node.input(0), node.input(1), node.input(2), node.input(3),
      usefulSequenceLens(node, attrs->layout), node.input(5), node.input(6), node.input(7),
      b.getStringAttr(attrs->direction), b.getI64IntegerAttr(attrs->hiddenSize),
      attrs->activations, b.getDenseF32ArrayAttr(attrs->alpha),
      b.getDenseF32ArrayAttr(attrs->beta), attrs->clip, b.getI64IntegerAttr(attrs->layout),
      b.getBoolAttr(*inputForget != 0));
  if (!op)
    return failure();
  return node.setResults(op->getResults());
}

LogicalResult importGRU(NodeImporter &node) {
  auto attrs = readRecurrentAttrs(node, {"Sigmoid", "Tanh"});
  auto linearBeforeReset = node.getInt("linear_before_reset", 0);
  if (failed(attrs) || failed(linearBeforeReset))
    return failure();
  Builder b(node.context());
  auto op = createRecurrent<GRUOp>(
      node, 2, node.input(0), node.input(1), node.input(2), node.input(3),
      usefulSequenceLens(node, attrs->layout), node.input(5),
      b.getStringAttr(attrs->direction), b.getI64IntegerAttr(attrs->hiddenSize),
      attrs->activations, b.getDenseF32ArrayAttr(attrs->alpha),
      b.getDenseF32ArrayAttr(attrs->beta), attrs->clip, b.getI64IntegerAttr(attrs->layout),
      b.getBoolAttr(*linearBeforeReset != 0));
  if (!op)
    return failure();
  return node.setResults(op->getResults());
}

LogicalResult importRNN(NodeImporter &node) {
  auto attrs = readRecurrentAttrs(node, {"Tanh"});
  if (failed(attrs))
    return failure();
  Builder b(node.context());
  auto op = createRecurrent<RNNOp>(
      node, 2, node.input(0), node.input(1), node.input(2), node.input(3),
      usefulSequenceLens(node, attrs->layout), node.input(5),
      b.getStringAttr(attrs->direction), b.getI64IntegerAttr(attrs->hiddenSize),
      attrs->activations, b.getDenseF32ArrayAttr(attrs->alpha),
      b.getDenseF32ArrayAttr(attrs->beta), attrs->clip, b.getI64IntegerAttr(attrs->layout));
  if (!op)
    return failure();
  return node.setResults(op->getResults());
}

constexpr int64_t kMax = 17;

// Opset 14 added `layout` (and bfloat16); the handlers read it by opset.
const OpImporterEntry kRecurrentImporters[] = {
    {"LSTM", 7, kMax, importLSTM},
    {"GRU", 7, kMax, importGRU},
    {"RNN", 7, kMax, importRNN},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> recurrentImporters() { return kRecurrentImporters; }

} // namespace kiln
