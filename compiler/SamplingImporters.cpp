//===- SamplingImporters.cpp - ONNX GridSample and RoiAlign ---------------===//
//
// Handlers for the ops of GraphSamplingOps.td. Attribute values are checked
// here so that an unknown mode is reported at the node, naming the ONNX
// attribute, before the op verifier sees it.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// A string attribute that must be one of `allowed`.
FailureOr<std::string> readChoice(NodeImporter &node, StringRef name, StringRef fallback,
                                  ArrayRef<StringRef> allowed) {
  auto value = node.getString(name, fallback.str());
  if (failed(value))
    return failure();
  if (!llvm::is_contained(allowed, *value))
    return node.unsupportedAttrValue(name, *value);
  return *value;
}

/// Interpolation is defined on floating-point images only in kiln.
LogicalResult requireFloatInput(NodeImporter &node, size_t i) {
  if (!isa<FloatType>(node.inputType(i).getElementType()))
    return node.emitError() << node.opType() << " on " << node.inputType(i)
                            << " is not supported (floating-point only)";
  return success();
}

/// GridSample (opset 16).
LogicalResult importGridSample(NodeImporter &node) {
  if (failed(requireFloatInput(node, 0)) || failed(requireFloatInput(node, 1)))
    return failure();
  auto mode = readChoice(node, "mode", "bilinear", {"bilinear", "nearest", "bicubic"});
  auto padding =
      readChoice(node, "padding_mode", "zeros", {"zeros", "border", "reflection"});
  auto alignCorners = node.getInt("align_corners", 0);
  if (failed(mode) || failed(padding) || failed(alignCorners))
    return failure();
  return node.setResult(node.create<GridSampleOp>(node.input(0), node.input(1), *mode,
                                                  *padding, *alignCorners != 0));
}

/// RoiAlign: opset 16 added coordinate_transformation_mode (default
/// half_pixel); opset 10 behaves as output_half_pixel.
LogicalResult importRoiAlign(NodeImporter &node) {
  if (failed(requireFloatInput(node, 0)) || failed(requireFloatInput(node, 1)))
    return failure();
  auto mode = readChoice(node, "mode", "avg", {"avg", "max"});
  auto height = node.getInt("output_height", 1);
  auto width = node.getInt("output_width", 1);
  auto samplingRatio = node.getInt("sampling_ratio", 0);
  auto spatialScale = node.getFloat("spatial_scale", 1.0f);
  if (failed(mode) || failed(height) || failed(width) || failed(samplingRatio) ||
      failed(spatialScale))
    return failure();
  std::string transform = "output_half_pixel";
  if (node.opset() >= 16) {
    auto value = readChoice(node, "coordinate_transformation_mode", "half_pixel",
                            {"half_pixel", "output_half_pixel"});
    if (failed(value))
      return failure();
    transform = *value;
  }
  if (*height < 1 || *width < 1)
    return node.emitError() << "RoiAlign output size " << *height << "x" << *width
                            << " must be positive";
  if (*samplingRatio < 0)
    return node.unsupportedAttrValue("sampling_ratio", std::to_string(*samplingRatio));
  return node.setResult(node.create<RoiAlignOp>(node.input(0), node.input(1), node.input(2),
                                                *mode, *height, *width, *samplingRatio,
                                                llvm::APFloat(*spatialScale), transform));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kSamplingImporters[] = {
    {"GridSample", 16, kMax, importGridSample},
    {"RoiAlign", 10, kMax, importRoiAlign},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> samplingImporters() { return kSamplingImporters; }

} // namespace kiln
