//===- ReductionLowering.cpp - graph-to-linalg patterns: reductions -------===//
//
// ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare and
// ArgMax/ArgMin. A reduction becomes a linalg.reduce (or a linalg.generic with
// reduction iterators when elements are transformed before they are
// accumulated) into a tensor of the kept dimensions; a final elementwise step
// turns the accumulator into the result (mean's division, L2's square root...)
// and keepdims reinserts the reduced dimensions with tensor.expand_shape.
//
// Accumulators are wider than the element type where the narrow type would
// change the result: f16/bf16 accumulate in f32, integer means in i64 (so the
// sum cannot wrap before the division), and integer L2/LogSum/LogSumExp are
// computed in f64 and truncated, as ONNX's reference does.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"

#include <limits>

using namespace mlir;

namespace kiln::codegen {
namespace {

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

/// Scalar arithmetic that picks the float, signed or unsigned integer op.
struct ScalarMath {
  OpBuilder &b;
  Location loc;
  bool isUnsigned;

  bool isFloat(Value v) const { return isa<FloatType>(v.getType()); }

  Value add(Value x, Value y) const {
    return isFloat(x) ? b.create<arith::AddFOp>(loc, x, y).getResult()
                      : b.create<arith::AddIOp>(loc, x, y).getResult();
  }
  Value mul(Value x, Value y) const {
    return isFloat(x) ? b.create<arith::MulFOp>(loc, x, y).getResult()
                      : b.create<arith::MulIOp>(loc, x, y).getResult();
  }
  Value div(Value x, Value y) const {
    if (isFloat(x))
      return b.create<arith::DivFOp>(loc, x, y);
    if (isUnsigned)
      return b.create<arith::DivUIOp>(loc, x, y);
    return b.create<arith::DivSIOp>(loc, x, y);
  }
  // maximumf/minimumf propagate NaN, as ONNX Runtime's reductions do.
  Value max(Value x, Value y) const {
    if (isFloat(x))
      return b.create<arith::MaximumFOp>(loc, x, y);
    if (isUnsigned)
      return b.create<arith::MaxUIOp>(loc, x, y);
    return b.create<arith::MaxSIOp>(loc, x, y);
  }
  Value min(Value x, Value y) const {
    if (isFloat(x))
      return b.create<arith::MinimumFOp>(loc, x, y);
    if (isUnsigned)
      return b.create<arith::MinUIOp>(loc, x, y);
    return b.create<arith::MinSIOp>(loc, x, y);
  }
  Value abs(Value x) const {
    if (isFloat(x))
      return b.create<math::AbsFOp>(loc, x);
    if (isUnsigned)
      return x;
    return b.create<math::AbsIOp>(loc, x);
  }
};

/// Which input dimensions a reduction removes, and the shape that is left.
struct ReductionShape {
  SmallVector<bool> reduced;
  SmallVector<int64_t> keptShape;
  int64_t reducedCount = 1;
};

static ReductionShape getReductionShape(RankedTensorType input,
                                        ArrayRef<int64_t> axes) {
  ReductionShape shape;
  shape.reduced.assign(input.getRank(), axes.empty());
  for (int64_t axis : axes)
    shape.reduced[axis] = true;
  for (int64_t i = 0; i < input.getRank(); ++i) {
    if (shape.reduced[i])
      shape.reducedCount *= input.getDimSize(i);
    else
      shape.keptShape.push_back(input.getDimSize(i));
  }
  return shape;
}

/// A linalg.generic that walks every element of `input` and accumulates into
/// `inits` (tensors of the kept dimensions). `perResultInputs` are tensors of
/// the kept dimensions read alongside (e.g. LogSumExp's shift). `body`
/// receives the input element, the per-result elements and the accumulators,
/// and returns the new accumulators.
static SmallVector<Value> createReductionGeneric(
    OpBuilder &b, Location loc, Value input, ValueRange perResultInputs,
    ArrayRef<bool> reduced, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *context = b.getContext();
  int64_t rank = static_cast<int64_t>(reduced.size());
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (reduced[i]) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      keptExprs.push_back(getAffineDimExpr(i, context));
    }
  }
  AffineMap keptMap = AffineMap::get(rank, 0, keptExprs, context);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  maps.append(perResultInputs.size() + inits.size(), keptMap);
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, perResultInputs);
  auto generic = b.create<linalg::GenericOp>(
      loc, ValueRange(inits).getTypes(), inputs, inits, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        nested.create<linalg::YieldOp>(nestedLoc, body(nested, nestedLoc, args));
      });
  return SmallVector<Value>(generic.getResults());
}

/// linalg.reduce of `input` over the reduced dimensions with a single
/// combining op; used when elements are accumulated as they are.
static Value createPlainReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<bool> reduced, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  SmallVector<int64_t> dimensions;
  for (auto [i, isReduced] : llvm::enumerate(reduced))
    if (isReduced)
      dimensions.push_back(static_cast<int64_t>(i));
  auto reduce = b.create<linalg::ReduceOp>(
      loc, ValueRange{input}, ValueRange{init}, dimensions,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        nested.create<linalg::YieldOp>(nestedLoc,
                                       combine(nested, nestedLoc, args[0], args[1]));
      });
  return reduce.getResult(0);
}

/// Type the accumulation runs in (see the file comment).
static Type getAccumulatorType(ReduceKind kind, Type elementType) {
  MLIRContext *context = elementType.getContext();
  if (kind == ReduceKind::Max || kind == ReduceKind::Min)
    return elementType;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return floatType.getWidth() < 32 ? Float32Type::get(context) : elementType;
  switch (kind) {
  case ReduceKind::Mean:
    return IntegerType::get(context, 64);
  case ReduceKind::L2:
  case ReduceKind::LogSum:
  case ReduceKind::LogSumExp:
    return Float64Type::get(context);
  default:
    return elementType;
  }
}

/// The axes when the types alone determine the result, so an axes operand
/// computed at run time needs no reading: an axes tensor with no elements
/// (reduce all, or the identity with noop_with_empty_axes), or keepdims with
/// static shapes, where exactly the dimensions that shrink to 1 are reduced
/// (reducing a dimension that already has size 1 changes nothing).
template <typename OpTy>
std::optional<SmallVector<int64_t>> getAxesFromTypes(OpTy op, RankedTensorType resultType) {
  auto axesType = cast<RankedTensorType>(op.getAxes().getType());
  if (axesType.hasStaticShape() && axesType.getNumElements() == 0)
    return SmallVector<int64_t>{};
  auto inputType = cast<RankedTensorType>(op.getData().getType());
  if (!op.getKeepdims() || !inputType.hasStaticShape() || !resultType.hasStaticShape() ||
      inputType.getRank() != resultType.getRank())
    return std::nullopt;
  // Only needed when the operand is not a constant: constants say it exactly.
  if (graph::getConstantIntValues(op.getAxes()))
    return std::nullopt;
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    int64_t in = inputType.getDimSize(d), out = resultType.getDimSize(d);
    if (in == out)
      continue;
    if (out != 1)
      return std::nullopt;
    axes.push_back(d);
  }
  // No dimension shrinks: every reduced dimension has size 1, which is the
  // identity; an empty list would instead mean "reduce all", so name one.
  if (axes.empty()) {
    if (inputType.getNumElements() != resultType.getNumElements())
      return std::nullopt;
    if (inputType.getRank() == 0)
      return std::nullopt;
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      if (inputType.getDimSize(d) == 1)
        return SmallVector<int64_t>{d};
    return std::nullopt;
  }
  return axes;
}

template <typename OpTy, ReduceKind Kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult matchAndRewrite(OpTy op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value input = adaptor.getData();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = convertTensorType(*this->getTypeConverter(), op.getType());
    if (!resultType)
      return op.emitError() << "cannot lower reduction result type " << op.getType();
    std::optional<SmallVector<int64_t>> axesValues = getAxesFromTypes(op, resultType);
    if (!axesValues)
      axesValues = requireConstantInts(op, op.getAxes(), "reduction axes");
    if (!axesValues)
      return failure();

    if (axesValues->empty() && op.getNoopWithEmptyAxes()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    SmallVector<int64_t> axes;
    for (int64_t axis : *axesValues) {
      auto normalized = graph::normalizeAxis(axis, inputType.getRank());
      if (!normalized)
        return op.emitError() << "reduction axis " << axis << " is out of range for rank "
                              << inputType.getRank();
      axes.push_back(*normalized);
    }

    Type elementType = inputType.getElementType();
    bool isUnsigned = isUnsignedInteger(op.getData().getType().getElementType());
    if (elementType.isInteger(1) && Kind != ReduceKind::Max && Kind != ReduceKind::Min)
      return op.emitError() << "reduction of i1 (bool) tensors is supported only for "
                               "reduce_max and reduce_min";
    ReductionShape shape = getReductionShape(inputType, axes);
    if (Kind == ReduceKind::Mean && shape.reducedCount == 0 &&
        isa<IntegerType>(elementType))
      return op.emitError() << "integer reduce_mean over an empty set of elements";

    Location loc = op.getLoc();
    Type accType = getAccumulatorType(Kind, elementType);
    auto accTensorType = RankedTensorType::get(shape.keptShape, accType);
    // Unsigned inputs are zero-extended into a wider accumulator, where signed
    // arithmetic is exact; only when they accumulate in their own type (e.g.
    // a ui64 mean) must the final division stay unsigned.
    bool accUnsigned = isUnsigned && accType == elementType;
    auto toAcc = [&](OpBuilder &b, Location l, Value x) {
      return castScalar(b, l, x, accType, isUnsigned, false);
    };

    Value accumulated;
    Value shift; // LogSumExp's per-result max, added back after the log.
    switch (Kind) {
    case ReduceKind::Max:
    case ReduceKind::Min: {
      bool isMax = Kind == ReduceKind::Max;
      bool unsignedCompare = isUnsigned || elementType.isInteger(1);
      Value identity = isMax ? createLowestValue(rewriter, loc, accType, unsignedCompare)
                             : createHighestValue(rewriter, loc, accType, unsignedCompare);
      Value init = createFilledTensor(rewriter, loc, accTensorType, identity);
      accumulated = createPlainReduction(
          rewriter, loc, input, shape.reduced, init,
          [&](OpBuilder &b, Location l, Value x, Value acc) {
            ScalarMath m{b, l, unsignedCompare};
            return isMax ? m.max(x, acc) : m.min(x, acc);
          });
      break;
    }
    case ReduceKind::Sum:
    case ReduceKind::Mean:
    case ReduceKind::Prod:
    case ReduceKind::LogSum: {
      bool isProd = Kind == ReduceKind::Prod;
      Value init = createFilledTensor(
          rewriter, loc, accTensorType,
          createScalarConstant(rewriter, loc, accType, isProd ? 1.0 : 0.0));
      auto combine = [&](OpBuilder &b, Location l, Value x, Value acc) {
        ScalarMath m{b, l, accUnsigned};
        return isProd ? m.mul(x, acc) : m.add(x, acc);
      };
      if (accType == elementType) {
        accumulated = createPlainReduction(rewriter, loc, input, shape.reduced, init,
                                           combine);
      } else {
        accumulated = createReductionGeneric(
            rewriter, loc, input, {}, shape.reduced, init,
            [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
              return {combine(b, l, toAcc(b, l, args[0]), args[1])};
            })[0];
      }
      break;
    }
    case ReduceKind::L1:
    case ReduceKind::L2:
    case ReduceKind::SumSquare: {
      Value init = createFilledTensor(rewriter, loc, accTensorType,
                                      createScalarConstant(rewriter, loc, accType, 0.0));
      accumulated = createReductionGeneric(
          rewriter, loc, input, {}, shape.reduced, init,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            ScalarMath m{b, l, accUnsigned};
            Value x = toAcc(b, l, args[0]);
            Value term = Kind == ReduceKind::L1 ? m.abs(x) : m.mul(x, x);
            return {m.add(term, args[1])};
          })[0];
      break;
    }
    case ReduceKind::LogSumExp: {
      // log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the max, so exp
      // cannot overflow. An infinite max is not subtracted (inf - inf is NaN):
      // the sum is then 0 or inf already and log gives the right answer.
      Value lowest = createLowestValue(rewriter, loc, accType, false);
      Value maxInit = createFilledTensor(rewriter, loc, accTensorType, lowest);
      Value maxima = createReductionGeneric(
          rewriter, loc, input, {}, shape.reduced, maxInit,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            ScalarMath m{b, l, false};
            return {m.max(toAcc(b, l, args[0]), args[1])};
          })[0];
      shift = createElementwiseGeneric(
          rewriter, loc, accTensorType, maxima,
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value magnitude = b.create<math::AbsFOp>(l, args[0]);
            Value inf = b.create<arith::ConstantOp>(
                l, b.getFloatAttr(accType, std::numeric_limits<double>::infinity()));
            Value isInf =
                b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, magnitude, inf);
            Value zero = createScalarConstant(b, l, accType, 0.0);
            return b.create<arith::SelectOp>(l, isInf, zero, args[0]).getResult();
          });
      Value sumInit = createFilledTensor(rewriter, loc, accTensorType,
                                         createScalarConstant(rewriter, loc, accType, 0.0));
      accumulated = createReductionGeneric(
          rewriter, loc, input, shift, shape.reduced, sumInit,
          [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
            Value x = toAcc(b, l, args[0]);
            Value shifted = b.create<arith::SubFOp>(l, x, args[1]);
            Value term = b.create<math::ExpOp>(l, shifted);
            return {b.create<arith::AddFOp>(l, term, args[2]).getResult()};
          })[0];
      break;
    }
    }

    // Turn the accumulator into the result element.
    auto keptType = RankedTensorType::get(shape.keptShape, resultType.getElementType());
    bool needsFinish = Kind == ReduceKind::Mean || Kind == ReduceKind::L2 ||
                       Kind == ReduceKind::LogSum || Kind == ReduceKind::LogSumExp ||
                       accType != resultType.getElementType();
    Value result = accumulated;
    if (needsFinish) {
      SmallVector<Value> finishInputs{accumulated};
      if (shift)
        finishInputs.push_back(shift);
      int64_t count = shape.reducedCount;
      result = createElementwiseGeneric(
          rewriter, loc, keptType, finishInputs,
          [&](OpBuilder &b, Location l, ValueRange args) {
            ScalarMath m{b, l, accUnsigned};
            Value acc = args[0];
            switch (Kind) {
            case ReduceKind::Mean:
              acc = m.div(acc, createScalarConstant(b, l, accType, double(count)));
              break;
            case ReduceKind::L2:
              acc = b.create<math::SqrtOp>(l, acc);
              break;
            case ReduceKind::LogSum:
              acc = b.create<math::LogOp>(l, acc);
              break;
            case ReduceKind::LogSumExp:
              acc = b.create<arith::AddFOp>(l, b.create<math::LogOp>(l, acc), args[1]);
              break;
            default:
              break;
            }
            return castScalar(b, l, acc, resultType.getElementType(), false, isUnsigned);
          });
    }
    if (result.getType() != resultType) {
      if (keptType.getNumElements() != resultType.getNumElements())
        return op.emitError() << "reduction result type " << op.getType()
                              << " does not match the reduced shape";
      result = createStaticReshape(rewriter, loc, result, resultType);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ArgMax/ArgMin: one linalg.generic carrying the best value and its index.
/// Ties keep the first index (strict comparison) or, with select_last_index,
/// the last (non-strict). NaN counts as the extreme, as in numpy (ONNX's
/// reference): the first NaN wins, or the last one with select_last_index.
template <typename OpTy, bool IsMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult matchAndRewrite(OpTy op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value input = adaptor.getData();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = convertTensorType(*this->getTypeConverter(), op.getType());
    if (!resultType)
      return op.emitError() << "cannot lower result type " << op.getType();
    int64_t axis = op.getAxis();
    if (axis < 0 || axis >= inputType.getRank())
      return op.emitError() << "axis " << axis << " is out of range for rank "
                            << inputType.getRank();
    if (inputType.getDimSize(axis) == 0)
      return op.emitError() << "arg reduction over an empty axis has no index";

    Location loc = op.getLoc();
    Type elementType = inputType.getElementType();
    bool isUnsigned =
        isUnsignedInteger(op.getData().getType().getElementType()) ||
        elementType.isInteger(1);
    bool selectLast = op.getSelectLastIndex();
    ReductionShape shape = getReductionShape(inputType, {axis});
    auto valueType = RankedTensorType::get(shape.keptShape, elementType);
    auto indexType = RankedTensorType::get(shape.keptShape, rewriter.getI64Type());
    Value worst = IsMax ? createLowestValue(rewriter, loc, elementType, isUnsigned)
                        : createHighestValue(rewriter, loc, elementType, isUnsigned);
    Value valueInit = createFilledTensor(rewriter, loc, valueType, worst);
    Value indexInit = createFilledTensor(
        rewriter, loc, indexType,
        createScalarConstant(rewriter, loc, rewriter.getI64Type(), 0));

    SmallVector<Value> results = createReductionGeneric(
        rewriter, loc, input, {}, shape.reduced, {valueInit, indexInit},
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<FloatType>(elementType)) {
            using P = arith::CmpFPredicate;
            P predicate = IsMax ? (selectLast ? P::OGE : P::OGT)
                                : (selectLast ? P::OLE : P::OLT);
            better = b.create<arith::CmpFOp>(l, predicate, x, best);
            Value xIsNaN = b.create<arith::CmpFOp>(l, P::UNO, x, x);
            // A NaN replaces a number; a later NaN replaces an earlier one only
            // with select_last_index.
            Value takeNaN = xIsNaN;
            if (!selectLast) {
              Value bestIsNumber = b.create<arith::CmpFOp>(l, P::ORD, best, best);
              takeNaN = b.create<arith::AndIOp>(l, xIsNaN, bestIsNumber);
            }
            better = b.create<arith::OrIOp>(l, better, takeNaN);
          } else {
            using P = arith::CmpIPredicate;
            P predicate;
            if (IsMax)
              predicate = isUnsigned ? (selectLast ? P::uge : P::ugt)
                                     : (selectLast ? P::sge : P::sgt);
            else
              predicate = isUnsigned ? (selectLast ? P::ule : P::ult)
                                     : (selectLast ? P::sle : P::slt);
            better = b.create<arith::CmpIOp>(l, predicate, x, best);
          }
          Value position = b.create<linalg::IndexOp>(l, axis);
          Value index = b.create<arith::IndexCastOp>(l, b.getI64Type(), position);
          return {b.create<arith::SelectOp>(l, better, x, best).getResult(),
                  b.create<arith::SelectOp>(l, better, index, bestIndex).getResult()};
        });
    Value result = results[1];
    if (indexType != resultType) {
      if (indexType.getNumElements() != resultType.getNumElements())
        return op.emitError() << "result type " << op.getType()
                              << " does not match the reduced shape";
      result = createStaticReshape(rewriter, loc, result, resultType);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateReductionLoweringPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ReduceLowering<graph::ReduceSumOp, ReduceKind::Sum>,
               ReduceLowering<graph::ReduceMeanOp, ReduceKind::Mean>,
               ReduceLowering<graph::ReduceMaxOp, ReduceKind::Max>,
               ReduceLowering<graph::ReduceMinOp, ReduceKind::Min>,
               ReduceLowering<graph::ReduceProdOp, ReduceKind::Prod>,
               ReduceLowering<graph::ReduceL1Op, ReduceKind::L1>,
               ReduceLowering<graph::ReduceL2Op, ReduceKind::L2>,
               ReduceLowering<graph::ReduceLogSumOp, ReduceKind::LogSum>,
               ReduceLowering<graph::ReduceLogSumExpOp, ReduceKind::LogSumExp>,
               ReduceLowering<graph::ReduceSumSquareOp, ReduceKind::SumSquare>,
               ArgReduceLowering<graph::ArgMaxOp, true>,
               ArgReduceLowering<graph::ArgMinOp, false>>(converter, context);
}

} // namespace kiln::codegen
