//===- SignalImporters.cpp - ONNX window functions ------------------------===//
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

constexpr int64_t kMax = 17;

const OpImporterEntry kSignalImporters[] = {
    {"HannWindow", 17, kMax, importCosineWindow<hann>},
    {"HammingWindow", 17, kMax, importCosineWindow<hamming>},
    {"BlackmanWindow", 17, kMax, importCosineWindow<blackman>},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> signalImporters() { return kSignalImporters; }

} // namespace kiln
