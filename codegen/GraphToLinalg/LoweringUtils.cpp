//===- LoweringUtils.cpp - helpers shared by graph-to-linalg patterns ------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"

#include "ir/ShapeInference.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::codegen {

GraphTypeConverter::GraphTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  addConversion([this](RankedTensorType type) -> Type {
    Type element = convertType(type.getElementType());
    if (!element)
      return nullptr;
    return RankedTensorType::get(type.getShape(), element);
  });
}

RankedTensorType convertTensorType(const TypeConverter &converter, Type type) {
  return dyn_cast_or_null<RankedTensorType>(converter.convertType(type));
}

bool isUnsignedInteger(Type elementType) {
  auto intType = dyn_cast<IntegerType>(elementType);
  return intType && intType.isUnsigned();
}

LogicalResult requireStaticShapes(Operation *op, ConversionPatternRewriter &rewriter) {
  auto isStatic = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return !shaped || shaped.hasStaticShape();
  };
  // With every model input static, a dynamic size comes from the data
  // (NonZero, Unique, a run-time k...), and --input-shape cannot help.
  auto func = op->getParentOfType<FunctionOpInterface>();
  bool inputsStatic = func && llvm::all_of(func.getArgumentTypes(), isStatic);
  const char *specialize = " has a dynamic shape; code generation needs static shapes "
                           "(specialize with --input-shape NAME=DIMS)";
  const char *operandHint =
      inputsStatic ? " has a dynamic shape; code generation needs static shapes here (its size "
                     "depends on run-time data; such a tensor can only feed ops that never read "
                     "past its data: elementwise ops except integer Div/Mod, Transpose, Gather, "
                     "and Slice/Squeeze/Unsqueeze/Concat/reductions along other axes)"
                   : specialize;
  const char *resultHint =
      inputsStatic ? " has a dynamic shape; code generation needs static shapes here (its size "
                     "depends on run-time data, with no bound known at compile time)"
                   : specialize;
  for (Type type : op->getOperandTypes())
    if (!isStatic(type))
      return op->emitError() << "operand of type " << type << operandHint;
  for (Type type : op->getResultTypes())
    if (!isStatic(type))
      return op->emitError() << "result of type " << type << resultHint;
  return success();
}

std::optional<SmallVector<int64_t>> requireConstantInts(Operation *op, Value value,
                                                        StringRef what) {
  if (auto values = graph::getConstantIntValues(value))
    return values;
  op->emitError() << what
                  << " must be a constant for code generation (it is computed at run "
                     "time in this model)";
  return std::nullopt;
}

std::optional<SmallVector<double>> requireConstantFloats(Operation *op, Value value,
                                                         StringRef what) {
  if (auto values = graph::getConstantFloatValues(value))
    return values;
  op->emitError() << what
                  << " must be a constant for code generation (it is computed at run "
                     "time in this model)";
  return std::nullopt;
}

Value createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
}

Value createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value value) {
  Value empty = createEmptyTensor(b, loc, type);
  return b.create<linalg::FillOp>(loc, value, empty).getResult(0);
}

Value createScalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    APFloat apValue(value);
    bool losesInfo = false;
    apValue.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, apValue));
  }
  if (type.isIndex())
    return b.create<arith::ConstantIndexOp>(loc, static_cast<int64_t>(value));
  auto intType = cast<IntegerType>(type);
  if (intType.getWidth() == 1)
    return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(intType, value != 0));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(intType, static_cast<int64_t>(value)));
}

Value createLowestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(floatType,
                            APFloat::getInf(floatType.getFloatSemantics(), true)));
  auto intType = cast<IntegerType>(type);
  unsigned width = intType.getWidth();
  APInt lowest = isUnsigned || width == 1 ? APInt::getMinValue(width)
                                          : APInt::getSignedMinValue(width);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(intType, lowest));
}

Value createHighestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(floatType,
                            APFloat::getInf(floatType.getFloatSemantics(), false)));
  auto intType = cast<IntegerType>(type);
  unsigned width = intType.getWidth();
  APInt highest = isUnsigned || width == 1 ? APInt::getMaxValue(width)
                                           : APInt::getSignedMaxValue(width);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(intType, highest));
}

AffineMap getBroadcastIndexingMap(ArrayRef<int64_t> operandShape, int64_t resultRank,
                                  ArrayRef<int64_t> resultShape, MLIRContext *context) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = resultRank - static_cast<int64_t>(operandShape.size());
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    int64_t resultDim = offset + static_cast<int64_t>(i);
    if (size == 1 && resultShape[resultDim] != 1)
      exprs.push_back(getAffineConstantExpr(0, context));
    else
      exprs.push_back(getAffineDimExpr(resultDim, context));
  }
  return AffineMap::get(resultRank, 0, exprs, context);
}

Value createParallelGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                            ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                            function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value init = createEmptyTensor(b, loc, resultType);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        nested.create<linalg::YieldOp>(nestedLoc, result);
      });
  return generic.getResult(0);
}

Value createElementwiseGeneric(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto inputType = cast<RankedTensorType>(input.getType());
    maps.push_back(getBroadcastIndexingMap(inputType.getShape(), resultType.getRank(),
                                           resultType.getShape(), b.getContext()));
  }
  return createParallelGeneric(b, loc, resultType, inputs, maps, body);
}

Value castScalar(OpBuilder &b, Location loc, Value value, Type targetType,
                 bool sourceUnsigned, bool targetUnsigned) {
  Type sourceType = value.getType();
  if (sourceType == targetType)
    return value;
  auto sourceFloat = dyn_cast<FloatType>(sourceType);
  auto targetFloat = dyn_cast<FloatType>(targetType);
  auto sourceInt = dyn_cast<IntegerType>(sourceType);
  auto targetInt = dyn_cast<IntegerType>(targetType);
  if (sourceFloat && targetFloat) {
    if (sourceFloat.getWidth() < targetFloat.getWidth())
      return b.create<arith::ExtFOp>(loc, targetType, value);
    return b.create<arith::TruncFOp>(loc, targetType, value);
  }
  if (targetInt && targetInt.getWidth() == 1) {
    Value zero = createScalarConstant(b, loc, sourceType, 0);
    if (sourceFloat)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, value, zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (sourceFloat && targetInt) {
    if (targetUnsigned)
      return b.create<arith::FPToUIOp>(loc, targetType, value);
    return b.create<arith::FPToSIOp>(loc, targetType, value);
  }
  if (sourceInt && targetFloat) {
    if (sourceUnsigned || sourceInt.getWidth() == 1)
      return b.create<arith::UIToFPOp>(loc, targetType, value);
    return b.create<arith::SIToFPOp>(loc, targetType, value);
  }
  if (sourceInt && targetInt) {
    if (sourceInt.getWidth() > targetInt.getWidth())
      return b.create<arith::TruncIOp>(loc, targetType, value);
    if (sourceUnsigned || sourceInt.getWidth() == 1)
      return b.create<arith::ExtUIOp>(loc, targetType, value);
    return b.create<arith::ExtSIOp>(loc, targetType, value);
  }
  if (sourceType.isIndex() || targetType.isIndex())
    return b.create<arith::IndexCastOp>(loc, targetType, value);
  return value;
}

std::optional<SmallVector<ReassociationIndices>>
getReassociationForReshape(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  // `from` is the longer shape; each of its groups multiplies to one entry of
  // `to`. Unit dimensions join the preceding group (or the next one at the
  // start).
  if (from.size() < to.size())
    return std::nullopt;
  if (to.empty()) {
    for (int64_t size : from)
      if (size != 1)
        return std::nullopt;
    return SmallVector<ReassociationIndices>{};
  }
  SmallVector<ReassociationIndices> groups;
  size_t i = 0;
  for (size_t j = 0; j < to.size(); ++j) {
    ReassociationIndices group;
    int64_t product = 1;
    while (i < from.size()) {
      // Take at least one dimension, then keep going while the product is short
      // of the target (or the next ones are trailing units of the last group).
      if (!group.empty() && product == to[j] &&
          (j + 1 < to.size() || from[i] != 1))
        break;
      product *= from[i];
      group.push_back(static_cast<int64_t>(i));
      ++i;
      if (product > to[j] && to[j] != 0)
        return std::nullopt;
    }
    if (product != to[j])
      return std::nullopt;
    groups.push_back(group);
  }
  // Trailing unit dimensions fold into the last group.
  while (i < from.size()) {
    if (from[i] != 1)
      return std::nullopt;
    groups.back().push_back(static_cast<int64_t>(i++));
  }
  return groups;
}

Value createStaticReshape(OpBuilder &b, Location loc, Value input,
                          RankedTensorType resultType) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType == resultType)
    return input;
  ArrayRef<int64_t> from = inputType.getShape();
  ArrayRef<int64_t> to = resultType.getShape();
  if (from.size() > to.size()) {
    if (auto groups = getReassociationForReshape(from, to))
      return b.create<tensor::CollapseShapeOp>(loc, resultType, input, *groups);
  } else if (from.size() < to.size()) {
    if (auto groups = getReassociationForReshape(to, from))
      return b.create<tensor::ExpandShapeOp>(loc, resultType, input, *groups);
  }
  // General case: collapse to 1-D, then expand to the target.
  int64_t count = inputType.getNumElements();
  auto flatType = RankedTensorType::get({count}, inputType.getElementType());
  Value flat = input;
  if (inputType.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < inputType.getRank(); ++i)
      all[0].push_back(i);
    if (inputType.getRank() == 0)
      flat = b.create<tensor::ExpandShapeOp>(loc, flatType, input,
                                             SmallVector<ReassociationIndices>{});
    else
      flat = b.create<tensor::CollapseShapeOp>(loc, flatType, input, all);
  }
  if (resultType.getRank() == 1)
    return flat;
  if (resultType.getRank() == 0)
    return b.create<tensor::CollapseShapeOp>(loc, resultType, flat,
                                             SmallVector<ReassociationIndices>{});
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    all[0].push_back(i);
  return b.create<tensor::ExpandShapeOp>(loc, resultType, flat, all);
}

} // namespace kiln::codegen
