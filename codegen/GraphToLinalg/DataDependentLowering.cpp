//===- DataDependentLowering.cpp - NonZero, Compress, Unique, NMS ----------===//
//
// Ops whose result size depends on the data. Each is computed into a buffer
// of a size bounded at compile time (NonZero: the number of elements;
// Compress: the axis; Unique: the slices along the axis; TopK with a
// run-time k: the axis; NonMaxSuppression:
// batches x classes x min(boxes, the maximum when constant)), by loops that
// count as they write. The result is the leading part of that buffer: a
// tensor.extract_slice whose size is the count clamped with affine.min to
// the bound, so the bound stays visible to ValueBoundsConstraintSet (the
// kiln-bound-dynamic-results pass reads it) and no allocation is ever
// dynamic.
//
// All scratch tensors are created before the loops and threaded through
// them as iteration arguments: an allocation inside a loop would defeat the
// static memory plan.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoopEmitter.h"
#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"


using namespace mlir;

namespace kiln::codegen {
namespace {

using loops::Emitter;

/// The input of a data-dependent op must have a static shape: the bounds of
/// its results come from it.
LogicalResult requireStaticOperands(Operation *op, ValueRange operands) {
  for (Value operand : operands)
    if (!cast<ShapedType>(operand.getType()).hasStaticShape())
      return op->emitError() << "operand of type " << operand.getType()
                             << " has a dynamic shape; the result size of "
                             << op->getName() << " is bounded by its static input shapes "
                             << "(specialize with --input-shape NAME=DIMS)";
  return success();
}

Value flatten(OpBuilder &b, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  return createStaticReshape(b, loc, input,
                             RankedTensorType::get({type.getNumElements()},
                                                   type.getElementType()));
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

struct NonZeroLowering : OpConversionPattern<graph::NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::NonZeroOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticOperands(op, adaptor.getOperands())))
      return failure();
    Location loc = op.getLoc();
    Emitter e{rewriter, loc};
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = inputType.getRank();
    int64_t count = inputType.getNumElements();
    Value flat = flatten(rewriter, loc, adaptor.getInput());
    Value buffer =
        rewriter.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{rank, count}, rewriter.getI64Type());
    Type elementType = inputType.getElementType();
    Value zero = createScalarConstant(rewriter, loc, elementType, 0);
    SmallVector<Value> results = e.forLoop(
        e.index(0), e.index(count), {buffer, e.index(0)},
        [&](OpBuilder &b, Location l, Value i, ValueRange iters) -> SmallVector<Value> {
          Emitter body{b, l};
          Value element = body.extract(flat, i);
          // NaN is non-zero: `une` holds for it.
          Value isNonZero =
              body.compare(element, zero, arith::CmpFPredicate::UNE, arith::CmpIPredicate::ne,
                           arith::CmpIPredicate::ne, false);
          return body.ifThenElse(
              isNonZero,
              [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                Emitter then{tb, tl};
                Value updated = iters[0];
                Value remaining = i;
                for (int64_t d = rank - 1; d >= 0; --d) {
                  Value size = then.index(inputType.getDimSize(d));
                  Value coordinate = tb.create<arith::RemUIOp>(tl, remaining, size);
                  remaining = tb.create<arith::DivUIOp>(tl, remaining, size);
                  updated = then.insert(then.toI64(coordinate), updated,
                                        {then.index(d), iters[1]});
                }
                return {updated, then.add(iters[1], then.index(1))};
              },
              [&](OpBuilder &, Location) -> SmallVector<Value> {
                return SmallVector<Value>(iters);
              });
        });
    Value found = e.clampToBound(results[1], count);
    rewriter.replaceOp(op, e.leadingSlice(results[0], 1, found));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Compress
//===----------------------------------------------------------------------===//

struct CompressLowering : OpConversionPattern<graph::CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::CompressOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticOperands(op, adaptor.getOperands())))
      return failure();
    Location loc = op.getLoc();
    Emitter e{rewriter, loc};
    Value input = adaptor.getInput();
    int64_t axis = 0;
    if (op.getAxis())
      axis = *op.getAxis();
    else
      input = flatten(rewriter, loc, input);
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t axisSize = inputType.getDimSize(axis);
    int64_t conditionSize = op.getCondition().getType().getDimSize(0);
    if (conditionSize > axisSize)
      return op.emitError() << "Compress condition has " << conditionSize
                            << " entries, more than the " << axisSize
                            << " slices along the axis";
    Value buffer = createEmptyTensor(rewriter, loc, inputType);
    SmallVector<Value> results = e.forLoop(
        e.index(0), e.index(conditionSize), {buffer, e.index(0)},
        [&](OpBuilder &b, Location l, Value i, ValueRange iters) -> SmallVector<Value> {
          Emitter body{b, l};
          Value selected = body.extract(adaptor.getCondition(), i);
          return body.ifThenElse(
              selected,
              [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                Emitter then{tb, tl};
                Value slice = then.extractSlice(input, axis, i);
                Value updated = then.insertSlice(slice, iters[0], axis, iters[1]);
                return {updated, then.add(iters[1], then.index(1))};
              },
              [&](OpBuilder &, Location) -> SmallVector<Value> {
                return SmallVector<Value>(iters);
              });
        });
    Value kept = e.clampToBound(results[1], conditionSize);
    rewriter.replaceOp(op, e.leadingSlice(results[0], axis, kept));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Unique
//===----------------------------------------------------------------------===//

/// The input seen as `slices` rows of `rowLength` elements (row `a` is
/// slice `a` along the axis, in row-major order), read from the flattened
/// input without moving data.
struct SliceRows {
  Value flat;
  int64_t slices = 0, rowLength = 1, inner = 1;
  bool isUnsigned = false;

  Value element(Emitter &e, Value row, Value column) const {
    if (rowLength == 1)
      return e.extract(flat, row);
    // Column c of row a is input[c / inner, a, c % inner] (outer, axis, inner).
    Value innerSize = e.index(inner);
    Value outer = e.b.create<arith::DivUIOp>(e.loc, column, innerSize);
    Value within = e.b.create<arith::RemUIOp>(e.loc, column, innerSize);
    Value flatIndex = e.add(e.mul(e.add(e.mul(outer, e.index(slices)), row), innerSize), within);
    return e.extract(flat, flatIndex);
  }

  Value rowsEqual(Emitter &e, Value x, Value y) const {
    if (rowLength == 1)
      return e.equal(element(e, x, e.index(0)), element(e, y, e.index(0)), isUnsigned);
    Value all = e.b.create<arith::ConstantOp>(e.loc, e.b.getBoolAttr(true));
    return e.forLoop(e.index(0), e.index(rowLength), {all},
                     [&](OpBuilder &b, Location l, Value c, ValueRange iters) {
                       Emitter body{b, l};
                       Value same = body.equal(element(body, x, c), element(body, y, c),
                                               isUnsigned);
                       return SmallVector<Value>{body.andI1(iters[0], same)};
                     })[0];
  }

  /// Lexicographic `row x < row y`.
  Value rowLess(Emitter &e, Value x, Value y) const {
    if (rowLength == 1)
      return e.less(element(e, x, e.index(0)), element(e, y, e.index(0)), isUnsigned);
    Value no = e.b.create<arith::ConstantOp>(e.loc, e.b.getBoolAttr(false));
    // (decided, less): the first differing column decides.
    return e.forLoop(e.index(0), e.index(rowLength), {no, no},
                     [&](OpBuilder &b, Location l, Value c, ValueRange iters) {
                       Emitter body{b, l};
                       Value xc = element(body, x, c), yc = element(body, y, c);
                       Value lt = body.less(xc, yc, isUnsigned);
                       Value gt = body.less(yc, xc, isUnsigned);
                       Value less = body.select(iters[0], iters[1], lt);
                       Value decided = body.orI1(iters[0], body.orI1(lt, gt));
                       return SmallVector<Value>{decided, less};
                     })[1];
  }
};

struct UniqueLowering : OpConversionPattern<graph::UniqueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::UniqueOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticOperands(op, adaptor.getOperands())))
      return failure();
    Location loc = op.getLoc();
    Emitter e{rewriter, loc};
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    SliceRows rows;
    rows.flat = flatten(rewriter, loc, input);
    rows.isUnsigned = isUnsignedInteger(op.getInput().getType().getElementType());
    int64_t axis = 0;
    if (op.getAxis()) {
      axis = *op.getAxis();
      rows.slices = inputType.getDimSize(axis);
      for (int64_t d = 0; d < inputType.getRank(); ++d)
        if (d != axis)
          rows.rowLength *= inputType.getDimSize(d);
      for (int64_t d = axis + 1; d < inputType.getRank(); ++d)
        rows.inner *= inputType.getDimSize(d);
    } else {
      rows.slices = inputType.getNumElements();
      input = rows.flat;
    }
    int64_t slices = rows.slices;
    Type i64 = rewriter.getI64Type();
    auto vectorType = RankedTensorType::get({slices}, i64);

    // first[a]: the first row equal to row a; the distinct rows are those
    // with first[a] == a.
    Value firstInit = createEmptyTensor(rewriter, loc, vectorType);
    SmallVector<Value> firsts = e.forLoop(
        e.index(0), e.index(slices), {firstInit, e.index(0)},
        [&](OpBuilder &b, Location l, Value a, ValueRange iters) -> SmallVector<Value> {
          Emitter body{b, l};
          Value first = body.forLoop(
              body.index(0), a, {a},
              [&](OpBuilder &ib, Location il, Value k, ValueRange inner) {
                Emitter scan{ib, il};
                Value take = scan.andI1(scan.indexEq(inner[0], a), rows.rowsEqual(scan, k, a));
                return SmallVector<Value>{scan.select(take, k, inner[0])};
              })[0];
          return {body.insert(body.toI64(first), iters[0], a),
                  body.add(iters[1], body.oneIf(body.indexEq(first, a)))};
        });
    Value first = firsts[0];
    auto isDistinct = [&](Emitter &x, Value a) {
      return x.indexEq(x.toIndex(x.extract(first, a)), a);
    };

    // rank[a]: where distinct row a goes in y.
    bool sorted = op.getSorted();
    Value rankInit = createEmptyTensor(rewriter, loc, vectorType);
    Value rank =
        e.forLoop(e.index(0), e.index(slices), {rankInit},
                  [&](OpBuilder &b, Location l, Value a, ValueRange iters) -> SmallVector<Value> {
                    Emitter body{b, l};
                    Value upper = sorted ? body.index(slices) : a;
                    Value before = body.forLoop(
                        body.index(0), upper, {body.index(0)},
                        [&](OpBuilder &ib, Location il, Value k, ValueRange inner) {
                          Emitter scan{ib, il};
                          Value counts = isDistinct(scan, k);
                          if (sorted)
                            counts = scan.andI1(counts, rows.rowLess(scan, k, a));
                          return SmallVector<Value>{scan.add(inner[0], scan.oneIf(counts))};
                        })[0];
                    return {body.insert(body.toI64(before), iters[0], a)};
                  })[0];

    // The outputs, scattered by rank.
    auto yType = cast<RankedTensorType>(input.getType());
    Value yInit = createEmptyTensor(rewriter, loc, yType);
    Value indicesInit = createEmptyTensor(rewriter, loc, vectorType);
    Value inverseInit = createEmptyTensor(rewriter, loc, vectorType);
    Value countsInit = createFilledTensor(rewriter, loc, vectorType,
                                          createScalarConstant(rewriter, loc, i64, 0));
    SmallVector<Value> outputs = e.forLoop(
        e.index(0), e.index(slices), {yInit, indicesInit, inverseInit, countsInit},
        [&](OpBuilder &b, Location l, Value a, ValueRange iters) -> SmallVector<Value> {
          Emitter body{b, l};
          Value firstOfA = body.toIndex(body.extract(first, a));
          Value position = body.extract(rank, firstOfA);
          Value positionIndex = body.toIndex(position);
          Value inverse = body.insert(position, iters[2], a);
          Value seen = body.extract(iters[3], positionIndex);
          Value one = b.create<arith::ConstantOp>(l, b.getI64IntegerAttr(1));
          Value counts = body.insert(b.create<arith::AddIOp>(l, seen, one), iters[3],
                                     positionIndex);
          SmallVector<Value> written = body.ifThenElse(
              body.indexEq(firstOfA, a),
              [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                Emitter then{tb, tl};
                Value y = op.getAxis()
                              ? then.insertSlice(then.extractSlice(input, axis, a), iters[0],
                                                 axis, positionIndex)
                              : then.insert(then.extract(input, a), iters[0], positionIndex);
                return {y, then.insert(then.toI64(a), iters[1], positionIndex)};
              },
              [&](OpBuilder &, Location) -> SmallVector<Value> {
                return {iters[0], iters[1]};
              });
          return {written[0], written[1], inverse, counts};
        });
    Value distinct = e.clampToBound(firsts[1], slices);
    rewriter.replaceOp(op, {e.leadingSlice(outputs[0], axis, distinct),
                            e.leadingSlice(outputs[1], 0, distinct), outputs[2],
                            e.leadingSlice(outputs[3], 0, distinct)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// TopK with a run-time k
//===----------------------------------------------------------------------===//

/// TopK whose k is computed at run time and whose result size nothing else
/// fixes: the whole axis is ordered (a TopK with k = the axis size, lowered
/// as usual) and the result is its first k entries, k clamped to the axis.
struct RuntimeTopKLowering : OpConversionPattern<graph::TopKOp> {
  RuntimeTopKLowering(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(graph::TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis();
    RankedTensorType valuesType = op.getValues().getType();
    RankedTensorType inputType = op.getInput().getType();
    if (!valuesType.isDynamicDim(axis) || graph::getConstantIntValues(op.getK()) ||
        !inputType.hasStaticShape())
      return failure();
    for (int64_t d = 0; d < valuesType.getRank(); ++d)
      if (d != axis && valuesType.isDynamicDim(d))
        return failure();
    Location loc = op.getLoc();
    Emitter e{rewriter, loc};
    int64_t size = inputType.getDimSize(axis);
    SmallVector<int64_t> fullShape(inputType.getShape());
    auto all = rewriter.create<graph::TopKOp>(
        loc, TypeRange{RankedTensorType::get(fullShape, valuesType.getElementType()),
                       RankedTensorType::get(fullShape, rewriter.getI64Type())},
        op.getInput(), op.getK(), op.getAxisAttr(), op.getLargestAttr(), op.getSortedAttr());
    auto kType = cast<RankedTensorType>(adaptor.getK().getType());
    SmallVector<Value> at(kType.getRank(), e.index(0));
    Value k = rewriter.create<arith::MaxSIOp>(
        loc, e.extract(adaptor.getK(), at),
        rewriter.create<arith::ConstantOp>(loc, rewriter.getI64IntegerAttr(0)));
    Value count = e.clampToBound(e.toIndex(k), size);
    rewriter.replaceOp(op, {e.leadingSlice(all.getValues(), axis, count),
                            e.leadingSlice(all.getIndices(), axis, count)});
    return success();
  }
};

} // namespace

void populateDataDependentLoweringPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<NonZeroLowering, CompressLowering, UniqueLowering, RuntimeTopKLowering>(
      converter, patterns.getContext());
  populateNonMaxSuppressionPattern(converter, patterns);
  populateSliceSinkingPatterns(converter, patterns);
}

} // namespace kiln::codegen
