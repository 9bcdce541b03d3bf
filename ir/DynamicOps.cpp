//===- DynamicOps.cpp - ops whose result shape depends on data -------------===//
//
// Result-type inference and verifiers for the ops in GraphDynamicOps.td. The
// data-dependent dimensions are always dynamic; everything else follows from
// the operand types.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace kiln::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

static RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Whether `v` can hold exactly one element.
static bool isOneElement(Value v) {
  RankedTensorType type = rankedType(v);
  if (type.getRank() == 0)
    return true;
  return type.getRank() == 1 &&
         (ShapedType::isDynamic(type.getDimSize(0)) || type.getDimSize(0) == 1);
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

LogicalResult NonZeroOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  int64_t rank = rankedType(adaptor.getInput()).getRank();
  types.push_back(RankedTensorType::get({rank, kDynamic}, IntegerType::get(context, 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// Compress
//===----------------------------------------------------------------------===//

LogicalResult CompressOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (!adaptor.getAxis()) {
    types.push_back(RankedTensorType::get({kDynamic}, input.getElementType()));
    return success();
  }
  int64_t axis = *adaptor.getAxis();
  if (axis < 0 || axis >= input.getRank())
    return detail::inferError(loc, "compress axis " + Twine(axis) +
                                       " is out of range for rank " + Twine(input.getRank()));
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = kDynamic;
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult CompressOp::verify() {
  if (getCondition().getType().getRank() != 1)
    return emitOpError("expects a 1-D condition, got ") << getCondition().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Unique
//===----------------------------------------------------------------------===//

LogicalResult UniqueOp::inferReturnTypes(MLIRContext *context, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  Type i64 = IntegerType::get(context, 64);
  int64_t slices;
  if (!adaptor.getAxis()) {
    slices = input.hasStaticShape() ? input.getNumElements() : kDynamic;
    types.push_back(RankedTensorType::get({kDynamic}, input.getElementType()));
  } else {
    int64_t axis = *adaptor.getAxis();
    if (axis < 0 || axis >= input.getRank())
      return detail::inferError(loc, "unique axis " + Twine(axis) +
                                         " is out of range for rank " + Twine(input.getRank()));
    SmallVector<int64_t> shape(input.getShape());
    slices = shape[axis];
    shape[axis] = kDynamic;
    types.push_back(RankedTensorType::get(shape, input.getElementType()));
  }
  types.push_back(RankedTensorType::get({kDynamic}, i64));
  types.push_back(RankedTensorType::get({slices}, i64));
  types.push_back(RankedTensorType::get({kDynamic}, i64));
  return success();
}

LogicalResult UniqueOp::verify() {
  if (getInput().getType().getRank() == 0 && getAxis())
    return emitOpError("expects no axis for a rank-0 input");
  return success();
}

//===----------------------------------------------------------------------===//
// NonMaxSuppression
//===----------------------------------------------------------------------===//

LogicalResult NonMaxSuppressionOp::inferReturnTypes(MLIRContext *context,
                                                    std::optional<Location>, Adaptor,
                                                    SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get({kDynamic, 3}, IntegerType::get(context, 64)));
  return success();
}

LogicalResult NonMaxSuppressionOp::verify() {
  RankedTensorType boxes = getBoxes().getType();
  RankedTensorType scores = getScores().getType();
  if (boxes.getRank() != 3 || (!ShapedType::isDynamic(boxes.getDimSize(2)) &&
                               boxes.getDimSize(2) != 4))
    return emitOpError("expects boxes of shape batches x boxes x 4, got ") << boxes;
  if (scores.getRank() != 3)
    return emitOpError("expects scores of shape batches x classes x boxes, got ") << scores;
  auto conflict = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (conflict(boxes.getDimSize(0), scores.getDimSize(0)) ||
      conflict(boxes.getDimSize(1), scores.getDimSize(2)))
    return emitOpError("boxes ") << boxes << " and scores " << scores
                                 << " disagree on batches or boxes";
  for (Value scalar : {getMaxOutputBoxesPerClass(), getIouThreshold(), getScoreThreshold()})
    if (!isOneElement(scalar))
      return emitOpError("expects one-element thresholds and maximum, got ")
             << scalar.getType();
  if (getCenterPointBox() != 0 && getCenterPointBox() != 1)
    return emitOpError("center_point_box must be 0 or 1, got ") << getCenterPointBox();
  return success();
}

} // namespace kiln::graph
