//===- SignalImporters.cpp - ONNX window functions and spectral ops -------===//
//
// DFT, STFT and MelWeightMatrix map onto graph.dft, graph.stft and
// graph.mel_weight_matrix; their lengths must be static for code generation.
// TfIdfVectorizer's n-gram pool becomes per-gram attributes of
// graph.tfidf_vectorizer.
//
// HannWindow, HammingWindow and BlackmanWindow are one generalized cosine
// window with different coefficients (ONNX's function bodies spell them out).
// The window length is data: it must be a constant or follow from ONNX's
// shape inference (a model's declared output shape) for code generation.
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

struct WindowCoefficients {
  float a0, a1, a2;
};

template <WindowCoefficients (*coefficients)()>
LogicalResult importCosineWindow(NodeImporter &node) {
  auto periodic = node.getInt("periodic", 1);
  auto outputType = node.getInt("output_datatype", 1);
  if (failed(periodic) || failed(outputType))
    return failure();
  Type element = convertElementType(node.context(), static_cast<int32_t>(*outputType));
  if (!element || !isa<FloatType>(element))
    return node.emitError() << node.opType() << " with output_datatype "
                            << elementTypeName(static_cast<int32_t>(*outputType))
                            << " is not supported (floating-point types only)";
  int64_t length = ShapedType::kDynamic;
  if (auto size = getConstantIntValues(node.input(0)); size && size->size() == 1)
    length = (*size)[0];
  else if (RankedTensorType inferred = node.inferredOutputType(0);
           inferred && inferred.getRank() == 1)
    length = inferred.getDimSize(0);
  WindowCoefficients c = coefficients();
  auto type = RankedTensorType::get({length}, element);
  return node.setResult(node.create<CosineWindowOp>(
      type, node.input(0), APFloat(c.a0), APFloat(c.a1), APFloat(c.a2), *periodic != 0));
}

// The constants of ONNX's function bodies (opset 17).
WindowCoefficients hann() { return {0.5f, 0.5f, 0.0f}; }
WindowCoefficients hamming() { return {0.54347826087f, 0.45652173913f, 0.0f}; }
WindowCoefficients blackman() { return {0.42f, 0.5f, 0.08f}; }

/// A scalar's constant value, if it has one.
std::optional<int64_t> constantScalar(Value value) {
  if (!value)
    return std::nullopt;
  if (auto values = getConstantIntValues(value); values && values->size() == 1)
    return (*values)[0];
  return std::nullopt;
}

/// The result type of STFT and MelWeightMatrix: their shapes follow from
/// run-time scalars, so they come from ONNX's shape inference (a model's
/// declared output shape) and must be static.
FailureOr<RankedTensorType> staticOutputType(NodeImporter &node, Type element) {
  RankedTensorType inferred = node.inferredOutputType(0);
  if (!inferred || !inferred.hasStaticShape())
    return node.emitError() << node.opType()
                            << " needs a static output shape (constant or declared)";
  return RankedTensorType::get(inferred.getShape(), element);
}

LogicalResult importDFT(NodeImporter &node) {
  auto axis = node.getInt("axis", 1);
  auto inverse = node.getInt("inverse", 0);
  auto onesided = node.getInt("onesided", 0);
  if (failed(axis) || failed(inverse) || failed(onesided))
    return failure();
  RankedTensorType input = node.inputType(0);
  if (!input || input.getRank() < 2)
    return node.emitError() << "DFT expects a ranked input of rank >= 2";
  int64_t rank = input.getRank();
  int64_t normalized = *axis < 0 ? *axis + rank : *axis;
  if (normalized < 0 || normalized >= rank - 1)
    return node.emitError() << "DFT axis " << *axis << " is out of range for " << input;
  if (*onesided && *inverse)
    return node.emitError() << "DFT with onesided and inverse is not supported";
  int64_t length = input.getDimSize(normalized);
  if (node.hasInput(1)) {
    std::optional<int64_t> constant = constantScalar(node.input(1));
    if (!constant)
      return node.emitError() << "DFT needs a constant dft_length";
    length = *constant;
  }
  if (ShapedType::isDynamic(length) || length < 1)
    return node.emitError() << "DFT needs a static positive length along axis " << *axis;
  SmallVector<int64_t> shape(input.getShape());
  shape[normalized] = *onesided ? length / 2 + 1 : length;
  shape.back() = 2;
  auto type = RankedTensorType::get(shape, input.getElementType());
  return node.setResult(node.create<DFTOp>(type, node.input(0), normalized, length,
                                           *inverse != 0, *onesided != 0));
}

LogicalResult importSTFT(NodeImporter &node) {
  auto onesided = node.getInt("onesided", 1);
  if (failed(onesided))
    return failure();
  RankedTensorType signal = node.inputType(0);
  if (!signal)
    return node.emitError() << "STFT expects a ranked signal";
  auto type = staticOutputType(node, signal.getElementType());
  if (failed(type))
    return failure();
  if (!node.hasInput(2) && !node.hasInput(3))
    return node.emitError() << "STFT needs a window or a frame_length";
  return node.setResult(node.create<STFTOp>(*type, node.input(0), node.input(1),
                                            node.input(2), node.input(3), *onesided != 0));
}

LogicalResult importMelWeightMatrix(NodeImporter &node) {
  auto outputType = node.getInt("output_datatype", 1);
  if (failed(outputType))
    return failure();
  Type element = convertElementType(node.context(), static_cast<int32_t>(*outputType));
  if (!element || !(isa<FloatType>(element) || isa<IntegerType>(element)))
    return node.emitError() << "MelWeightMatrix with output_datatype "
                            << elementTypeName(static_cast<int32_t>(*outputType))
                            << " is not supported";
  auto type = staticOutputType(node, element);
  if (failed(type))
    return failure();
  return node.setResult(node.create<MelWeightMatrixOp>(*type, node.input(0), node.input(1),
                                                       node.input(2), node.input(3),
                                                       node.input(4)));
}

LogicalResult importTfIdfVectorizer(NodeImporter &node) {
  if (node.hasAttr("pool_strings"))
    return node.emitError() << "TfIdfVectorizer with a string pool is not supported";
  auto minLength = node.getInt("min_gram_length", std::nullopt);
  auto maxLength = node.getInt("max_gram_length", std::nullopt);
  auto maxSkip = node.getInt("max_skip_count", std::nullopt);
  auto mode = node.getString("mode", std::nullopt);
  auto counts = node.getInts("ngram_counts", std::nullopt);
  auto indexes = node.getInts("ngram_indexes", std::nullopt);
  auto pool = node.getInts("pool_int64s", std::nullopt);
  auto weights = node.getFloats("weights", SmallVector<float>());
  if (failed(minLength) || failed(maxLength) || failed(maxSkip) || failed(mode) ||
      failed(counts) || failed(indexes) || failed(pool) || failed(weights))
    return failure();
  RankedTensorType input = node.inputType(0);
  if (!input || input.getRank() < 1 || input.getRank() > 2)
    return node.emitError() << "TfIdfVectorizer expects a 1-D or 2-D input";
  // ngram_counts[k] is where the (k + 1)-grams start in the pool.
  SmallVector<int64_t> lengths;
  int64_t poolSize = static_cast<int64_t>(pool->size());
  for (size_t k = 0; k < counts->size(); ++k) {
    int64_t begin = (*counts)[k];
    int64_t end = k + 1 < counts->size() ? (*counts)[k + 1] : poolSize;
    int64_t n = static_cast<int64_t>(k) + 1;
    if (begin < 0 || end < begin || end > poolSize || (end - begin) % n != 0)
      return node.emitError() << "TfIdfVectorizer ngram_counts do not split the pool";
    lengths.append((end - begin) / n, n);
  }
  if (lengths.size() != indexes->size())
    return node.emitError() << "TfIdfVectorizer has " << indexes->size()
                            << " ngram_indexes for " << lengths.size() << " n-grams";
  if (weights->empty())
    weights->assign(lengths.size(), 1.0f);
  if (weights->size() != lengths.size())
    return node.emitError() << "TfIdfVectorizer needs one weight per n-gram";
  int64_t columns = 0;
  for (int64_t index : *indexes)
    columns = std::max(columns, index + 1);
  SmallVector<int64_t> shape;
  if (input.getRank() == 2)
    shape.push_back(input.getDimSize(0));
  shape.push_back(columns);
  auto type = RankedTensorType::get(shape, Float32Type::get(node.context()));
  return node.setResult(node.create<TfIdfVectorizerOp>(
      type, node.input(0), *pool, lengths, *indexes, *weights, *mode, *minLength, *maxLength,
      *maxSkip));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kSignalImporters[] = {
    {"HannWindow", 17, kMax, importCosineWindow<hann>},
    {"HammingWindow", 17, kMax, importCosineWindow<hamming>},
    {"BlackmanWindow", 17, kMax, importCosineWindow<blackman>},
    {"DFT", 17, kMax, importDFT},
    {"STFT", 17, kMax, importSTFT},
    {"MelWeightMatrix", 17, kMax, importMelWeightMatrix},
    {"TfIdfVectorizer", 9, kMax, importTfIdfVectorizer},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> signalImporters() { return kSignalImporters; }

} // namespace kiln
