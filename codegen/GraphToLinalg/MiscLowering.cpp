//===- MiscLowering.cpp - graph-to-linalg patterns: masks, scans, einsum --===//
//
// Trilu, EyeLike and OneHot are parallel linalg.generic ops that compare loop
// indices. CumSum is a sequential scf.for over the flattened tensor, so the
// axis may be a run-time value. Einsum is one linalg.generic built from the
// equation: result labels are parallel loops, the other labels reduction
// loops, and a label repeated within an operand indexes its diagonal.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/MiscPatterns.h"
#include "ir/Einsum.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// A scalar operand as i64 (sign- or zero-extended, or truncated).
Value scalarAsI64(OpBuilder &b, Location loc, Value tensor, bool isUnsigned) {
  Value scalar = extractOnlyElement(b, loc, tensor);
  return castScalar(b, loc, scalar, b.getI64Type(), isUnsigned, false);
}

/// column - row (of the two trailing loop dimensions) as i64.
Value diagonalOffset(OpBuilder &b, Location loc, int64_t rank) {
  Value row = b.create<linalg::IndexOp>(loc, rank - 2);
  Value col = b.create<linalg::IndexOp>(loc, rank - 1);
  Value diff = b.create<arith::SubIOp>(loc, col, row);
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), diff);
}

struct TriluLowering : OpConversionPattern<graph::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    Value k = scalarAsI64(rewriter, loc, adaptor.getK(), false);
    Value zero = createScalarConstant(rewriter, loc, type.getElementType(), 0);
    Value result = createParallelGeneric(
        rewriter, loc, type, adaptor.getInput(), {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value offset = diagonalOffset(b, nestedLoc, rank);
          Value keep = b.create<arith::CmpIOp>(
              nestedLoc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              offset, k);
          return b.create<arith::SelectOp>(nestedLoc, keep, args[0], zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct EyeLikeLowering : OpConversionPattern<graph::EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::EyeLikeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Location loc = op.getLoc();
    // The attribute getter is unsigned; k may be negative.
    Value k = rewriter.create<arith::ConstantOp>(
        loc, rewriter.getI64IntegerAttr(static_cast<int64_t>(op.getK())));
    Value zero = createScalarConstant(rewriter, loc, type.getElementType(), 0);
    Value one = createScalarConstant(rewriter, loc, type.getElementType(), 1);
    Value result = createParallelGeneric(
        rewriter, loc, type, ValueRange{}, {},
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          Value onDiagonal = b.create<arith::CmpIOp>(nestedLoc, arith::CmpIPredicate::eq,
                                                     diagonalOffset(b, nestedLoc, 2), k);
          return b.create<arith::SelectOp>(nestedLoc, onDiagonal, one, zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[.., d, ..] = (index == d) ? on : off, with the index truncated to an
/// integer and negative indices counting back from depth.
struct OneHotLowering : OpConversionPattern<graph::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    int64_t axis = op.getAxis();
    int64_t rank = type.getRank();
    int64_t depth = type.getDimSize(axis);
    // The result type fixes the depth; a constant depth must agree with it.
    if (auto ints = graph::getConstantIntValues(op.getDepth()))
      if (ints->size() == 1 && (*ints)[0] != depth)
        return op.emitError() << "one_hot depth " << (*ints)[0]
                              << " does not match the result type " << type;
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Location loc = op.getLoc();
    Value values = adaptor.getValues();
    Value off = rewriter.create<tensor::ExtractOp>(loc, values,
                                                   ValueRange{indexConstant(rewriter, loc, 0)});
    Value on = rewriter.create<tensor::ExtractOp>(loc, values,
                                                  ValueRange{indexConstant(rewriter, loc, 1)});
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        indexExprs.push_back(rewriter.getAffineDimExpr(d));
    AffineMap indicesMap = AffineMap::get(rank, 0, indexExprs, rewriter.getContext());
    bool indicesUnsigned =
        isUnsignedInteger(op.getIndices().getType().getElementType());
    Value result = createParallelGeneric(
        rewriter, loc, type, adaptor.getIndices(), {indicesMap},
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value index = castScalar(b, nestedLoc, args[0], b.getI64Type(), indicesUnsigned,
                                   false);
          Value depthValue = createScalarConstant(b, nestedLoc, b.getI64Type(), depth);
          Value zero = createScalarConstant(b, nestedLoc, b.getI64Type(), 0);
          Value negative =
              b.create<arith::CmpIOp>(nestedLoc, arith::CmpIPredicate::slt, index, zero);
          Value wrapped = b.create<arith::AddIOp>(nestedLoc, index, depthValue);
          index = b.create<arith::SelectOp>(nestedLoc, negative, wrapped, index);
          Value position = b.create<arith::IndexCastOp>(
              nestedLoc, b.getI64Type(), b.create<linalg::IndexOp>(nestedLoc, axis));
          Value hit =
              b.create<arith::CmpIOp>(nestedLoc, arith::CmpIPredicate::eq, index, position);
          return b.create<arith::SelectOp>(nestedLoc, hit, on, off);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// CumSum walks the flattened tensor in order (backwards for `reverse`), so
/// an element's predecessor along the axis, one axis stride away, is final
/// before the element is computed. Stride and axis size are selected at run
/// time when the axis is not a constant.
struct CumSumLowering : OpConversionPattern<graph::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::CumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Location loc = op.getLoc();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t rank = type.getRank();
    SmallVector<int64_t> strides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];

    Value stride, size;
    if (auto constant = graph::getConstantIntValues(op.getAxis())) {
      auto normalized = graph::normalizeAxis((*constant)[0], rank);
      if (!normalized)
        return op.emitError() << "cumsum axis " << (*constant)[0]
                              << " is out of range for rank " << rank;
      stride = indexConstant(rewriter, loc, strides[*normalized]);
      size = indexConstant(rewriter, loc, shape[*normalized]);
    } else {
      // Negative axes count from the back; out-of-range ones are undefined in
      // ONNX and clamp here.
      bool axisUnsigned = isUnsignedInteger(op.getAxis().getType().getElementType());
      Value axis = scalarAsI64(rewriter, loc, adaptor.getAxis(), axisUnsigned);
      Value axisIndex = createClampedIndex(rewriter, loc, axis, rank);
      stride = indexConstant(rewriter, loc, strides[rank - 1]);
      size = indexConstant(rewriter, loc, shape[rank - 1]);
      for (int64_t d = rank - 2; d >= 0; --d) {
        Value isAxis = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, axisIndex,
                                                      indexConstant(rewriter, loc, d));
        stride = rewriter.create<arith::SelectOp>(loc, isAxis,
                                                  indexConstant(rewriter, loc, strides[d]),
                                                  stride);
        size = rewriter.create<arith::SelectOp>(loc, isAxis,
                                                indexConstant(rewriter, loc, shape[d]), size);
      }
    }

    int64_t count = type.getNumElements();
    Type element = type.getElementType();
    auto flatType = RankedTensorType::get({count}, element);
    Value input = createStaticReshape(rewriter, loc, adaptor.getInput(), flatType);
    Value zero = createScalarConstant(rewriter, loc, element, 0);
    Value init = createFilledTensor(rewriter, loc, flatType, zero);
    bool reverse = op.getReverse(), exclusive = op.getExclusive();
    bool isFloat = isa<FloatType>(element);
    auto add = [&](OpBuilder &b, Location l, Value x, Value y) -> Value {
      return isFloat ? b.create<arith::AddFOp>(l, x, y).getResult()
                     : b.create<arith::AddIOp>(l, x, y).getResult();
    };
    SmallVector<Value> results = createCountedLoop(
        rewriter, loc, count, ValueRange{init},
        [&](OpBuilder &b, Location l, Value iv, ValueRange args) -> SmallVector<Value> {
          Value out = args[0];
          Value flat = reverse ? b.create<arith::SubIOp>(l, indexConstant(b, l, count - 1), iv)
                                     .getResult()
                               : iv;
          Value position = b.create<arith::RemUIOp>(
              l, b.create<arith::DivUIOp>(l, flat, stride), size);
          Value hasPrevious;
          Value previous;
          if (reverse) {
            Value last = b.create<arith::SubIOp>(l, size, indexConstant(b, l, 1));
            hasPrevious = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, position, last);
            previous = b.create<arith::AddIOp>(l, flat, stride);
          } else {
            hasPrevious = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ugt, position,
                                                  indexConstant(b, l, 0));
            previous = b.create<arith::SubIOp>(l, flat, stride);
          }
          // Without a predecessor the read goes to the element itself (in
          // bounds) and its value is discarded.
          previous = b.create<arith::SelectOp>(l, hasPrevious, previous, flat);
          Value carried = b.create<tensor::ExtractOp>(l, out, previous);
          if (exclusive)
            carried = add(b, l, carried, b.create<tensor::ExtractOp>(l, input, previous));
          carried = b.create<arith::SelectOp>(l, hasPrevious, carried, zero);
          Value value = exclusive ? carried
                                  : add(b, l, carried, b.create<tensor::ExtractOp>(l, input, flat));
          return {b.create<tensor::InsertOp>(l, value, out, flat).getResult()};
        });
    rewriter.replaceOp(op, createStaticReshape(rewriter, loc, results[0], type));
    return success();
  }
};

/// One linalg.generic: loops over the result labels (parallel) then the
/// summed labels (reduction); each operand reads through the map of its
/// labels. f16/bf16 accumulate in f32.
struct EinsumLowering : OpConversionPattern<graph::EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::EinsumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    SmallVector<RankedTensorType> operandTypes;
    for (Value v : adaptor.getInputs())
      operandTypes.push_back(cast<RankedTensorType>(v.getType()));
    std::string error;
    auto eq = graph::parseEinsumEquation(op.getEquation(), operandTypes, error);
    if (!eq)
      return op.emitError() << "invalid einsum equation '" << op.getEquation()
                            << "': " << error;
    if (ArrayRef<int64_t>(eq->resultShape()) != type.getShape())
      return op.emitError() << "einsum result type " << type
                            << " does not match the equation";
    if (replaceIfNoElements(op, type, rewriter))
      return success();

    // Loop order: result labels, then every other label some operand uses.
    SmallVector<int64_t> loopOfLabel(eq->numLabels(), -1);
    SmallVector<int64_t> loopSizes;
    for (int64_t label : eq->resultLabels) {
      loopOfLabel[label] = static_cast<int64_t>(loopSizes.size());
      loopSizes.push_back(eq->labelSizes[label]);
    }
    int64_t numParallel = static_cast<int64_t>(loopSizes.size());
    for (const auto &labels : eq->operandLabels)
      for (int64_t label : labels)
        if (loopOfLabel[label] < 0) {
          loopOfLabel[label] = static_cast<int64_t>(loopSizes.size());
          loopSizes.push_back(eq->labelSizes[label]);
        }
    int64_t numLoops = static_cast<int64_t>(loopSizes.size());

    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = type.getElementType();
    Type accType = element;
    if (element.isF16() || element.isBF16())
      accType = rewriter.getF32Type();
    auto accTensorType = RankedTensorType::get(type.getShape(), accType);
    Value init = createFilledTensor(rewriter, loc, accTensorType,
                                    createScalarConstant(rewriter, loc, accType, 0));
    // An empty summed label leaves the zeros (and a zero-trip linalg loop
    // would not verify).
    bool emptySum = llvm::is_contained(ArrayRef(loopSizes).drop_front(numParallel), 0);

    Value accumulated = init;
    if (!emptySum) {
      SmallVector<AffineMap> maps;
      for (auto [labels, operandType] : llvm::zip(eq->operandLabels, operandTypes)) {
        SmallVector<AffineExpr> exprs;
        for (auto [dim, label] : llvm::enumerate(labels)) {
          // A broadcast ellipsis dimension of size 1 always reads index 0.
          if (operandType.getDimSize(dim) == 1 && eq->labelSizes[label] != 1)
            exprs.push_back(getAffineConstantExpr(0, context));
          else
            exprs.push_back(getAffineDimExpr(loopOfLabel[label], context));
        }
        maps.push_back(AffineMap::get(numLoops, 0, exprs, context));
      }
      SmallVector<AffineExpr> resultExprs;
      for (int64_t d = 0; d < numParallel; ++d)
        resultExprs.push_back(getAffineDimExpr(d, context));
      maps.push_back(AffineMap::get(numLoops, 0, resultExprs, context));
      SmallVector<utils::IteratorType> iterators(numParallel, utils::IteratorType::parallel);
      iterators.append(numLoops - numParallel, utils::IteratorType::reduction);
      bool isFloat = isa<FloatType>(accType);
      auto generic = rewriter.create<linalg::GenericOp>(
          loc, TypeRange{accTensorType}, adaptor.getInputs(), ValueRange{init}, maps,
          iterators, [&](OpBuilder &b, Location l, ValueRange args) {
            Value product;
            for (Value arg : args.drop_back()) {
              Value x = castScalar(b, l, arg, accType, false, false);
              product = !product ? x
                        : isFloat ? b.create<arith::MulFOp>(l, product, x).getResult()
                                  : b.create<arith::MulIOp>(l, product, x).getResult();
            }
            Value sum = isFloat ? b.create<arith::AddFOp>(l, args.back(), product).getResult()
                                : b.create<arith::AddIOp>(l, args.back(), product).getResult();
            b.create<linalg::YieldOp>(l, sum);
          });
      accumulated = generic.getResult(0);
    }
    if (accType != element)
      accumulated = createElementwiseGeneric(
          rewriter, loc, type, accumulated, [&](OpBuilder &b, Location l, ValueRange args) {
            return castScalar(b, l, args[0], element, false, false);
          });
    rewriter.replaceOp(op, accumulated);
    return success();
  }
};

} // namespace

void populateMiscLoweringPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<TriluLowering, EyeLikeLowering, OneHotLowering, CumSumLowering,
               EinsumLowering>(converter, patterns.getContext());
  populateLossLoweringPatterns(converter, patterns);
  populateScatterLoweringPatterns(converter, patterns);
}

} // namespace kiln::codegen
