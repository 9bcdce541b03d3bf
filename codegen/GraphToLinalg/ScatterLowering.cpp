//===- ScatterLowering.cpp - graph-to-linalg patterns: scatters, TopK -----===//
//
// Scatters visit the updates in row-major order in an scf.for that carries
// the result (a copy of the data), so repeated indices behave as ONNX's
// reference: the last update wins, or all of them combine under a reduction.
//
// TopK selects, for every slice along the axis, k times the best element that
// comes after the previously selected one in the order "better value first,
// then lower index" (NaN counting as the largest value, as in numpy's sort).
// That is O(k * n) per slice with no scratch memory.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/MiscPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Element at `indices` of the carried result combined with `update`.
Value scatterValue(OpBuilder &b, Location loc, StringRef reduction, Value out,
                   ValueRange indices, Value update, bool isUnsigned) {
  if (reduction == "none")
    return update;
  Value current = b.create<tensor::ExtractOp>(loc, out, indices);
  return combineScatter(b, loc, reduction, current, update, isUnsigned);
}

struct ScatterElementsLowering : OpConversionPattern<graph::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis();
    int64_t rank = type.getRank();
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && indicesType.getDimSize(d) > type.getDimSize(d))
        return op.emitError() << "indices " << indicesType << " exceed data " << type
                              << " in dimension " << d;
    if (indicesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    if (type.getDimSize(axis) == 0)
      return op.emitError() << "cannot scatter into empty axis " << axis << " of " << type;

    Location loc = op.getLoc();
    StringRef reduction = op.getReduction();
    bool isUnsigned = isUnsignedInteger(op.getType().getElementType());
    SmallVector<Value> results = createCountedLoop(
        rewriter, loc, indicesType.getNumElements(), ValueRange{data},
        [&](OpBuilder &b, Location l, Value iv, ValueRange args) -> SmallVector<Value> {
          SmallVector<Value> position = delinearizeIndex(b, l, iv, indicesType.getShape());
          Value raw = b.create<tensor::ExtractOp>(l, indices, position);
          Value update = b.create<tensor::ExtractOp>(l, updates, position);
          SmallVector<Value> target(position);
          target[axis] = createClampedIndex(b, l, raw, type.getDimSize(axis));
          Value value = scatterValue(b, l, reduction, args[0], target, update, isUnsigned);
          return {b.create<tensor::InsertOp>(l, value, args[0], target).getResult()};
        });
    rewriter.replaceOp(op, results[0]);
    return success();
  }
};

/// Update element u (of shape indices.shape[:-1] + data.shape[k:]) goes to
/// data[indices[u_0 .. u_{q-2}, :], u_{q-1} ..].
struct ScatterNDLowering : OpConversionPattern<graph::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto updatesType = cast<RankedTensorType>(updates.getType());
    int64_t tupleDims = indicesType.getRank() - 1;
    int64_t depth = indicesType.getShape().back();
    if (depth > type.getRank())
      return op.emitError() << "index tuples of length " << depth << " exceed data " << type;
    if (updatesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    for (int64_t j = 0; j < depth; ++j)
      if (type.getDimSize(j) == 0)
        return op.emitError() << "cannot scatter into empty dimension " << j << " of " << type;

    Location loc = op.getLoc();
    StringRef reduction = op.getReduction();
    bool isUnsigned = isUnsignedInteger(op.getType().getElementType());
    SmallVector<Value> results = createCountedLoop(
        rewriter, loc, updatesType.getNumElements(), ValueRange{data},
        [&](OpBuilder &b, Location l, Value iv, ValueRange args) -> SmallVector<Value> {
          SmallVector<Value> position = delinearizeIndex(b, l, iv, updatesType.getShape());
          SmallVector<Value> tuple(position.begin(), position.begin() + tupleDims);
          tuple.push_back(Value());
          SmallVector<Value> target;
          for (int64_t j = 0; j < depth; ++j) {
            tuple.back() = indexConstant(b, l, j);
            Value raw = b.create<tensor::ExtractOp>(l, indices, tuple);
            target.push_back(createClampedIndex(b, l, raw, type.getDimSize(j)));
          }
          target.append(position.begin() + tupleDims, position.end());
          Value update = b.create<tensor::ExtractOp>(l, updates, position);
          Value value = scatterValue(b, l, reduction, args[0], target, update, isUnsigned);
          return {b.create<tensor::InsertOp>(l, value, args[0], target).getResult()};
        });
    rewriter.replaceOp(op, results[0]);
    return success();
  }
};

/// Comparisons of TopK's order on one element type.
struct TopKOrder {
  OpBuilder &b;
  Location loc;
  bool isUnsigned;

  /// x > y, with NaN above every number.
  Value greater(Value x, Value y) const {
    if (!isa<FloatType>(x.getType()))
      return b.create<arith::CmpIOp>(
          loc, isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt, x, y);
    Value ordered = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, y);
    Value xNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
    Value yNumber = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ORD, y, y);
    return b.create<arith::OrIOp>(loc, ordered,
                                  b.create<arith::AndIOp>(loc, xNaN, yNumber));
  }
  /// x == y, with NaN equal to NaN.
  Value equal(Value x, Value y) const {
    if (!isa<FloatType>(x.getType()))
      return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y);
    Value ordered = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, x, y);
    Value bothNaN = b.create<arith::AndIOp>(
        loc, b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x),
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, y, y));
    return b.create<arith::OrIOp>(loc, ordered, bothNaN);
  }
};

struct TopKLowering : OpConversionPattern<graph::TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto valuesType = convertTensorType(*getTypeConverter(), op.getValues().getType());
    auto indicesType = convertTensorType(*getTypeConverter(), op.getIndices().getType());
    if (!valuesType || !indicesType)
      return op.emitError() << "cannot lower results of type " << op.getValues().getType();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t axis = op.getAxis();
    int64_t n = inputType.getDimSize(axis);
    // The result type fixes k (it may come from ONNX shape inference when k
    // is computed at run time); a constant k must agree.
    int64_t k = valuesType.getDimSize(axis);
    if (auto constant = graph::getConstantIntValues(op.getK()))
      if (constant->size() == 1 && (*constant)[0] != k)
        return op.emitError() << "top_k k = " << (*constant)[0]
                              << " does not match the result type " << valuesType;
    if (k > n)
      return op.emitError() << "top_k k = " << k << " exceeds the axis size " << n;
    Location loc = op.getLoc();
    if (valuesType.getNumElements() == 0) {
      rewriter.replaceOp(op, {createEmptyTensor(rewriter, loc, valuesType),
                              createEmptyTensor(rewriter, loc, indicesType)});
      return success();
    }

    SmallVector<int64_t> outerShape(inputType.getShape());
    outerShape.erase(outerShape.begin() + axis);
    int64_t outerCount = 1;
    for (int64_t size : outerShape)
      outerCount *= size;
    bool largest = op.getLargest();
    bool isUnsigned = isUnsignedInteger(op.getInput().getType().getElementType());
    Type element = valuesType.getElementType();
    Type i64 = rewriter.getI64Type();
    Value falseValue = createScalarConstant(rewriter, loc, rewriter.getI1Type(), 0);
    Value trueValue = createScalarConstant(rewriter, loc, rewriter.getI1Type(), 1);
    Value anyValue = createScalarConstant(rewriter, loc, element, 0);
    Value noIndex = createScalarConstant(rewriter, loc, i64, -1);

    SmallVector<Value> results = createCountedLoop(
        rewriter, loc, outerCount,
        ValueRange{createEmptyTensor(rewriter, loc, valuesType),
                   createEmptyTensor(rewriter, loc, indicesType)},
        [&](OpBuilder &b, Location l, Value outer, ValueRange outs) -> SmallVector<Value> {
          SmallVector<Value> position = delinearizeIndex(b, l, outer, outerShape);
          auto at = [&](Value axisIndex) {
            SmallVector<Value> indices(position);
            indices.insert(indices.begin() + axis, axisIndex);
            return indices;
          };
          // Carried: values, indices, previous value, previous index, whether
          // there is a previous selection.
          SmallVector<Value> selected = createCountedLoop(
              b, l, k, ValueRange{outs[0], outs[1], anyValue, noIndex, falseValue},
              [&](OpBuilder &b2, Location l2, Value j, ValueRange state) -> SmallVector<Value> {
                Value prevValue = state[2], prevIndex = state[3], hasPrev = state[4];
                // Carried: best value, best index, whether one was found.
                SmallVector<Value> best = createCountedLoop(
                    b2, l2, n, ValueRange{anyValue, noIndex, falseValue},
                    [&](OpBuilder &b3, Location l3, Value e,
                        ValueRange cand) -> SmallVector<Value> {
                      TopKOrder o3{b3, l3, isUnsigned};
                      // x comes before y (different values, or NaN).
                      auto better3 = [&](Value x, Value y) {
                        return largest ? o3.greater(x, y) : o3.greater(y, x);
                      };
                      Value x = b3.create<tensor::ExtractOp>(l3, input, at(e));
                      Value index = b3.create<arith::IndexCastOp>(l3, i64, e);
                      // After the previous selection: worse value, or equal
                      // value at a higher index.
                      Value later = b3.create<arith::AndIOp>(
                          l3, o3.equal(x, prevValue),
                          b3.create<arith::CmpIOp>(l3, arith::CmpIPredicate::sgt, index,
                                                   prevIndex));
                      Value after = b3.create<arith::OrIOp>(
                          l3, b3.create<arith::XOrIOp>(l3, hasPrev, trueValue),
                          b3.create<arith::OrIOp>(l3, better3(prevValue, x), later));
                      // Candidates come in index order, so only a strictly
                      // better value replaces the best so far.
                      Value improves = b3.create<arith::OrIOp>(
                          l3, b3.create<arith::XOrIOp>(l3, cand[2], trueValue),
                          better3(x, cand[0]));
                      Value take = b3.create<arith::AndIOp>(l3, after, improves);
                      return {b3.create<arith::SelectOp>(l3, take, x, cand[0]).getResult(),
                              b3.create<arith::SelectOp>(l3, take, index, cand[1]).getResult(),
                              b3.create<arith::OrIOp>(l3, take, cand[2]).getResult()};
                    });
                Value values = b2.create<tensor::InsertOp>(l2, best[0], state[0], at(j));
                Value indices = b2.create<tensor::InsertOp>(l2, best[1], state[1], at(j));
                return {values, indices, best[0], best[1], trueValue};
              });
          return {selected[0], selected[1]};
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateScatterLoweringPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns) {
  patterns.add<ScatterElementsLowering, ScatterNDLowering, TopKLowering>(
      converter, patterns.getContext());
}

} // namespace kiln::codegen
