//===- ElementwiseOps.cpp - elementwise graph ops: inference, verifiers ----===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln::graph {

LogicalResult detail::inferError(std::optional<Location> loc, const Twine &message) {
  return emitOptionalError(loc, message);
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  os << "]";
  return s;
}

LogicalResult detail::inferBroadcastBinary(std::optional<Location> loc, Value lhs,
                                           Value rhs, bool boolResult,
                                           SmallVectorImpl<Type> &types) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  std::optional<Shape> shape = broadcastShapes(lhsType.getShape(), rhsType.getShape());
  if (!shape)
    return inferError(loc, "operand shapes " + shapeString(lhsType.getShape()) +
                               " and " + shapeString(rhsType.getShape()) +
                               " do not broadcast");
  Type element = boolResult ? IntegerType::get(lhs.getContext(), 1)
                            : lhsType.getElementType();
  types.push_back(RankedTensorType::get(*shape, element));
  return success();
}

LogicalResult detail::verifyBroadcastBinary(Operation *op, bool sameElementTypes) {
  Type lhs = getElementTypeOrSelf(op->getOperand(0));
  Type rhs = getElementTypeOrSelf(op->getOperand(1));
  if (sameElementTypes && lhs != rhs)
    return op->emitOpError("expects operands of one element type, got ")
           << lhs << " and " << rhs;
  return success();
}

LogicalResult ClipOp::verify() {
  Type element = getInput().getType().getElementType();
  for (Value bound : {getMin(), getMax()}) {
    auto type = cast<RankedTensorType>(bound.getType());
    if (type.getElementType() != element || type.getNumElements() != 1)
      return emitOpError("expects min and max to be one-element tensors of ")
             << element << ", got " << type;
  }
  return success();
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(cast<RankedTensorType>(adaptor.getInput().getType()).getShape(),
                                        IntegerType::get(context, 1)));
  return success();
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(cast<RankedTensorType>(adaptor.getInput().getType()).getShape(),
                                        IntegerType::get(context, 1)));
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  auto cond = cast<RankedTensorType>(adaptor.getCondition().getType());
  std::optional<Shape> shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (shape)
    shape = broadcastShapes(*shape, cond.getShape());
  if (!shape)
    return detail::inferError(loc, "condition " + shapeString(cond.getShape()) +
                                       " and operands " + shapeString(lhs.getShape()) +
                                       ", " + shapeString(rhs.getShape()) +
                                       " do not broadcast");
  types.push_back(RankedTensorType::get(*shape, lhs.getElementType()));
  return success();
}

LogicalResult WhereOp::verify() {
  if (getElementTypeOrSelf(getLhs()) != getElementTypeOrSelf(getRhs()))
    return emitOpError("expects both branches to have one element type, got ")
           << getElementTypeOrSelf(getLhs()) << " and " << getElementTypeOrSelf(getRhs());
  return success();
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  types.push_back(RankedTensorType::get(input.getShape(), adaptor.getTo()));
  return success();
}

} // namespace kiln::graph
