//===- DynamicImporters.cpp - ONNX ops whose output shape depends on data --===//
//
// Handlers for the ops of GraphDynamicOps.td: NonZero, Compress, Unique and
// NonMaxSuppression. Axes are normalized to non-negative values and omitted
// optional inputs become explicit constants, so the graph ops have one form.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"

#include <limits>

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// An optional `axis` attribute, made non-negative for `rank`.
FailureOr<std::optional<int64_t>> readOptionalAxis(NodeImporter &node, int64_t rank) {
  if (!node.hasAttr("axis"))
    return std::optional<int64_t>();
  auto axis = node.getInt("axis", std::nullopt);
  if (failed(axis))
    return failure();
  int64_t value = *axis < 0 ? *axis + rank : *axis;
  if (value < 0 || value >= rank)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for an input of rank " << rank;
  return std::optional<int64_t>(value);
}

IntegerAttr optionalAxisAttr(NodeImporter &node, std::optional<int64_t> axis) {
  return axis ? node.builder().getI64IntegerAttr(*axis) : IntegerAttr();
}

/// NonZero (opsets 9, 13).
LogicalResult importNonZero(NodeImporter &node) {
  auto input = node.requiredInput(0, "X");
  if (failed(input))
    return failure();
  return node.setResult(node.create<NonZeroOp>(*input));
}

/// Compress (opsets 9, 11; 11 allows a negative axis).
LogicalResult importCompress(NodeImporter &node) {
  auto input = node.requiredInput(0, "input");
  auto condition = node.requiredInput(1, "condition");
  if (failed(input) || failed(condition))
    return failure();
  auto axis = readOptionalAxis(node, node.inputType(0).getRank());
  if (failed(axis))
    return failure();
  if (!node.inputType(1).getElementType().isInteger(1) || node.inputType(1).getRank() != 1)
    return node.emitError() << "Compress expects a 1-D bool condition, got "
                            << node.inputType(1);
  return node.setResult(
      node.create<CompressOp>(*input, *condition, optionalAxisAttr(node, *axis)));
}

/// Unique (opset 11).
LogicalResult importUnique(NodeImporter &node) {
  auto input = node.requiredInput(0, "X");
  if (failed(input))
    return failure();
  auto axis = readOptionalAxis(node, node.inputType(0).getRank());
  auto sorted = node.getInt("sorted", 1);
  if (failed(axis) || failed(sorted))
    return failure();
  auto op = node.create<UniqueOp>(*input, optionalAxisAttr(node, *axis),
                                  node.builder().getBoolAttr(*sorted != 0));
  return node.setResults(op->getResults());
}

/// NonMaxSuppression (opsets 10, 11).
LogicalResult importNonMaxSuppression(NodeImporter &node) {
  auto boxes = node.requiredInput(0, "boxes");
  auto scores = node.requiredInput(1, "scores");
  auto centerPointBox = node.getInt("center_point_box", 0);
  if (failed(boxes) || failed(scores) || failed(centerPointBox))
    return failure();
  if (*centerPointBox != 0 && *centerPointBox != 1)
    return node.unsupportedAttrValue("center_point_box", std::to_string(*centerPointBox));
  Type floatType = node.inputType(1).getElementType();
  if (!isa<FloatType>(floatType))
    return node.emitError() << "NonMaxSuppression expects floating-point scores, got "
                            << node.inputType(1);
  // Absent inputs take ONNX's defaults: no boxes, IoU threshold 0, and no
  // score threshold (-inf lets every finite score through).
  Value maxOutput = node.hasInput(2) ? node.input(2) : node.constI64({0});
  Value iou = node.hasInput(3) ? node.input(3) : node.constScalar(floatType, 0.0);
  Value score = node.hasInput(4)
                    ? node.input(4)
                    : node.constScalar(floatType, -std::numeric_limits<double>::infinity());
  return node.setResult(node.create<NonMaxSuppressionOp>(
      *boxes, *scores, maxOutput, iou, score, node.builder().getI64IntegerAttr(*centerPointBox)));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kDynamicImporters[] = {
    {"NonZero", 9, kMax, importNonZero},
    {"Compress", 9, kMax, importCompress},
    {"Unique", 11, kMax, importUnique},
    {"NonMaxSuppression", 10, kMax, importNonMaxSuppression},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> dynamicImporters() { return kDynamicImporters; }

} // namespace kiln
