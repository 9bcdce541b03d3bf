//===- SamplingOps.cpp - GridSample and RoiAlign ----------------------------===//
//
// Verifiers and result-type inference for the ops in GraphSamplingOps.td.
// Unknown sizes (dynamic dimensions) pass the checks; they are settled when
// a model is specialized to static shapes.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace kiln::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

/// Two sizes that must agree: a contradiction only when both are static.
static bool sizesConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto grid = cast<RankedTensorType>(adaptor.getGrid().getType());
  if (input.getRank() != 4 || grid.getRank() != 4)
    return emitOptionalError(loc, "grid_sample expects a rank-4 input and grid, got ",
                             input, " and ", grid);
  types.push_back(RankedTensorType::get(
      {input.getDimSize(0), input.getDimSize(1), grid.getDimSize(1), grid.getDimSize(2)},
      input.getElementType()));
  return success();
}

LogicalResult GridSampleOp::verify() {
  auto input = getInput().getType();
  auto grid = getGrid().getType();
  if (input.getRank() != 4 || grid.getRank() != 4)
    return emitOpError("expects a rank-4 input and grid, got ") << input << " and " << grid;
  if (sizesConflict(input.getDimSize(0), grid.getDimSize(0)))
    return emitOpError("input batch ") << input.getDimSize(0) << " differs from grid batch "
                                       << grid.getDimSize(0);
  if (sizesConflict(grid.getDimSize(3), 2))
    return emitOpError("expects the grid's last dimension to be 2, got ")
           << grid.getDimSize(3);
  if (!llvm::is_contained({"bilinear", "nearest", "bicubic"}, getMode()))
    return emitOpError("has unknown mode '") << getMode() << "'";
  if (!llvm::is_contained({"zeros", "border", "reflection"}, getPaddingMode()))
    return emitOpError("has unknown padding_mode '") << getPaddingMode() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

LogicalResult RoiAlignOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto rois = cast<RankedTensorType>(adaptor.getRois().getType());
  if (input.getRank() != 4 || rois.getRank() != 2)
    return emitOptionalError(loc, "roi_align expects a rank-4 input and rank-2 rois, got ",
                             input, " and ", rois);
  int64_t height = adaptor.getOutputHeight();
  int64_t width = adaptor.getOutputWidth();
  types.push_back(RankedTensorType::get(
      {rois.getDimSize(0), input.getDimSize(1), height > 0 ? height : kDynamic,
       width > 0 ? width : kDynamic},
      input.getElementType()));
  return success();
}

LogicalResult RoiAlignOp::verify() {
  auto input = getInput().getType();
  auto rois = getRois().getType();
  auto batch = getBatchIndices().getType();
  if (input.getRank() != 4 || rois.getRank() != 2 || batch.getRank() != 1)
    return emitOpError("expects a rank-4 input, rank-2 rois and rank-1 batch_indices, got ")
           << input << ", " << rois << " and " << batch;
  if (sizesConflict(rois.getDimSize(1), 4))
    return emitOpError("expects rois of shape (R, 4), got ") << rois;
  if (sizesConflict(rois.getDimSize(0), batch.getDimSize(0)))
    return emitOpError("has ") << rois.getDimSize(0) << " rois but "
                               << batch.getDimSize(0) << " batch indices";
  if (getOutputHeight() < 1 || getOutputWidth() < 1)
    return emitOpError("expects a positive output size, got ")
           << getOutputHeight() << "x" << getOutputWidth();
  if (getSamplingRatio() < 0)
    return emitOpError("expects a non-negative sampling_ratio, got ") << getSamplingRatio();
  if (!llvm::is_contained({"avg", "max"}, getMode()))
    return emitOpError("has unknown mode '") << getMode() << "'";
  if (!llvm::is_contained({"half_pixel", "output_half_pixel"},
                          getCoordinateTransformationMode()))
    return emitOpError("has unknown coordinate_transformation_mode '")
           << getCoordinateTransformationMode() << "'";
  return success();
}

} // namespace kiln::graph
