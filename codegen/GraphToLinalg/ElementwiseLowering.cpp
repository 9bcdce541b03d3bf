//===- ElementwiseLowering.cpp - graph-to-linalg patterns: elementwise ops ===//
//
// Every elementwise graph op becomes one broadcasting `linalg.generic` whose
// body computes a result element from the operand elements. One templated
// pattern does the tensor-level work for all of them; what differs between ops
// is only the scalar body, so each op is registered with a lambda (most are one
// line) in populateElementwiseLoweringPatterns.
//
// Bodies follow the ONNX reference semantics (numpy), including the corners
// that plain arith ops leave undefined or get differently: Python-style
// integer Mod, NaN propagation through Max/Min/Relu/Clip, out-of-range shift
// amounts, integer Pow, float-to-narrow-integer Cast.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"

#include <functional>

using namespace mlir;

namespace kiln::codegen {
namespace {

//===----------------------------------------------------------------------===//
// Scalar helpers
//===----------------------------------------------------------------------===//

bool isNumericElementType(Type type) { return isa<IntegerType, FloatType>(type); }

bool hasUnsignedElements(Value originalValue) {
  return isUnsignedInteger(getElementTypeOrSelf(originalValue.getType()));
}

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return createScalarConstant(b, loc, like.getType(), value);
}

Value attrConstant(OpBuilder &b, Location loc, Value like, const APFloat &value) {
  return constantLike(b, loc, like, value.convertToDouble());
}

Value select(OpBuilder &b, Location loc, Value condition, Value ifTrue, Value ifFalse) {
  return b.create<arith::SelectOp>(loc, condition, ifTrue, ifFalse);
}

Value cmpf(OpBuilder &b, Location loc, arith::CmpFPredicate predicate, Value lhs,
           Value rhs) {
  return b.create<arith::CmpFOp>(loc, predicate, lhs, rhs);
}

Value cmpi(OpBuilder &b, Location loc, arith::CmpIPredicate predicate, Value lhs,
           Value rhs) {
  return b.create<arith::CmpIOp>(loc, predicate, lhs, rhs);
}

Value mulf(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return b.create<arith::MulFOp>(loc, lhs, rhs);
}

Value addf(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return b.create<arith::AddFOp>(loc, lhs, rhs);
}

Value subf(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return b.create<arith::SubFOp>(loc, lhs, rhs);
}

Value exp(OpBuilder &b, Location loc, Value x) { return b.create<math::ExpOp>(loc, x); }

/// max(0, min(1, x)) with NaN propagating (numpy's maximum/minimum).
Value clampToUnit(OpBuilder &b, Location loc, Value x) {
  Value clamped = b.create<arith::MinimumFOp>(loc, x, constantLike(b, loc, x, 1.0));
  return b.create<arith::MaximumFOp>(loc, clamped, constantLike(b, loc, x, 0.0));
}

/// 1 / (1 + exp(-x)), evaluated through exp(-|x|) so that it neither overflows
/// nor loses the tiny values for very negative x.
Value createSigmoid(OpBuilder &b, Location loc, Value x) {
  Value decay = exp(b, loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
  Value denominator = addf(b, loc, constantLike(b, loc, x, 1.0), decay);
  Value positive = b.create<arith::DivFOp>(loc, constantLike(b, loc, x, 1.0), denominator);
  Value negative = b.create<arith::DivFOp>(loc, decay, denominator);
  return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGE, x, constantLike(b, loc, x, 0.0)),
                positive, negative);
}

/// log(1 + exp(x)) as max(x, 0) + log(1 + exp(-|x|)), which does not overflow
/// for large x.
Value createSoftplus(OpBuilder &b, Location loc, Value x) {
  Value decay = exp(b, loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
  Value tail = b.create<math::LogOp>(loc, addf(b, loc, constantLike(b, loc, x, 1.0), decay));
  Value head = b.create<arith::MaximumFOp>(loc, x, constantLike(b, loc, x, 0.0));
  return addf(b, loc, head, tail);
}

/// castScalar with defined results where LLVM's conversions have none:
/// float to an integer truncates toward zero and wraps out-of-range values the
/// way numpy does on x86 (through int64) instead of producing poison; f16 and
/// bf16 convert into each other through f32.
Value castScalarWrapping(OpBuilder &b, Location loc, Value value, Type targetType,
                         bool sourceUnsigned, bool targetUnsigned) {
  auto sourceFloat = dyn_cast<FloatType>(value.getType());
  auto targetFloat = dyn_cast<FloatType>(targetType);
  auto targetInt = dyn_cast<IntegerType>(targetType);
  if (sourceFloat && targetFloat && sourceFloat != targetFloat &&
      sourceFloat.getWidth() == targetFloat.getWidth()) {
    // Neither extf nor truncf applies between same-width formats, but both
    // extend exactly to f32.
    Value wide = b.create<arith::ExtFOp>(loc, b.getF32Type(), value);
    return b.create<arith::TruncFOp>(loc, targetType, wide);
  }
  if (sourceFloat && targetInt && targetInt.getWidth() > 1 && targetInt.getWidth() < 64) {
    Value wide = b.create<arith::FPToSIOp>(loc, b.getI64Type(), value);
    return b.create<arith::TruncIOp>(loc, targetType, wide);
  }
  if (sourceFloat && targetInt && targetInt.getWidth() == 64 && targetUnsigned) {
    // fptoui is poison below zero; negative values wrap through int64 instead.
    Value isNegative = cmpf(b, loc, arith::CmpFPredicate::OLT, value,
                            constantLike(b, loc, value, 0.0));
    return select(b, loc, isNegative, b.create<arith::FPToSIOp>(loc, targetType, value),
                  b.create<arith::FPToUIOp>(loc, targetType, value));
  }
  return castScalar(b, loc, value, targetType, sourceUnsigned, targetUnsigned);
}

//===----------------------------------------------------------------------===//
// Scalar bodies that need more than a line
//===----------------------------------------------------------------------===//

Value createSign(OpBuilder &b, Location loc, Value x, bool isUnsigned) {
  Value zero = constantLike(b, loc, x, 0.0);
  Value one = constantLike(b, loc, x, 1.0);
  if (isa<FloatType>(x.getType())) {
    // Zeros and NaN pass through unchanged, as in numpy.sign.
    Value minusOne = constantLike(b, loc, x, -1.0);
    Value negativeOrSame =
        select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, x, zero), minusOne, x);
    return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, x, zero), one,
                  negativeOrSame);
  }
  if (isUnsigned)
    return select(b, loc, cmpi(b, loc, arith::CmpIPredicate::ne, x, zero), one, zero);
  Value minusOne = constantLike(b, loc, x, -1.0);
  Value negativeOrZero =
      select(b, loc, cmpi(b, loc, arith::CmpIPredicate::slt, x, zero), minusOne, zero);
  return select(b, loc, cmpi(b, loc, arith::CmpIPredicate::sgt, x, zero), one,
                negativeOrZero);
}

Value createShrink(OpBuilder &b, Location loc, graph::ShrinkOp op, Value x,
                   bool isUnsigned) {
  // Integers are shrunk in double precision (bias and lambd are floats) and
  // truncated back, like the reference implementation.
  Type elementType = x.getType();
  Value value = x;
  if (!isa<FloatType>(elementType))
    value = castScalar(b, loc, x, b.getF64Type(), isUnsigned, false);
  Value bias = attrConstant(b, loc, value, op.getBias());
  Value lambd = attrConstant(b, loc, value, op.getLambd());
  Value negativeLambd = b.create<arith::NegFOp>(loc, lambd);
  Value zero = constantLike(b, loc, value, 0.0);
  Value aboveOrZero = select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, value, lambd),
                             subf(b, loc, value, bias), zero);
  Value result =
      select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, value, negativeLambd),
             addf(b, loc, value, bias), aboveOrZero);
  return castScalarWrapping(b, loc, result, elementType, false, isUnsigned);
}

Value createIsInf(OpBuilder &b, Location loc, graph::IsInfOp op, Value x) {
  auto floatType = cast<FloatType>(x.getType());
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  auto equalsInf = [&](Value value, bool negative) -> Value {
    Value inf = b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(floatType, APFloat::getInf(semantics, negative)));
    return cmpf(b, loc, arith::CmpFPredicate::OEQ, value, inf);
  };
  bool positive = op.getDetectPositive(), negative = op.getDetectNegative();
  if (positive && negative)
    return equalsInf(b.create<math::AbsFOp>(loc, x), false);
  if (positive || negative)
    return equalsInf(x, negative);
  return b.create<arith::ConstantOp>(loc, b.getBoolAttr(false));
}

Value createMod(OpBuilder &b, Location loc, graph::ModOp op, Value lhs, Value rhs,
                bool isUnsigned) {
  if (isa<FloatType>(lhs.getType())) {
    Value remainder = b.create<arith::RemFOp>(loc, lhs, rhs);
    if (op.getFmod())
      return remainder;
    // numpy.mod: a nonzero remainder whose sign differs from the divisor's
    // moves by one divisor; a zero remainder takes the divisor's sign.
    Value zero = constantLike(b, loc, lhs, 0.0);
    Value signsDiffer = b.create<arith::XOrIOp>(
        loc, cmpf(b, loc, arith::CmpFPredicate::OLT, remainder, zero),
        cmpf(b, loc, arith::CmpFPredicate::OLT, rhs, zero));
    Value adjusted =
        select(b, loc, signsDiffer, addf(b, loc, remainder, rhs), remainder);
    return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::UNE, remainder, zero),
                  adjusted, b.create<math::CopySignOp>(loc, zero, rhs));
  }
  if (isUnsigned)
    return b.create<arith::RemUIOp>(loc, lhs, rhs);
  Value remainder = b.create<arith::RemSIOp>(loc, lhs, rhs);
  if (op.getFmod())
    return remainder;
  // Python's %: the result takes the divisor's sign.
  Value zero = constantLike(b, loc, lhs, 0.0);
  Value signsDiffer =
      cmpi(b, loc, arith::CmpIPredicate::slt,
           b.create<arith::XOrIOp>(loc, remainder, rhs), zero);
  Value needsAdjust = b.create<arith::AndIOp>(
      loc, cmpi(b, loc, arith::CmpIPredicate::ne, remainder, zero), signsDiffer);
  return select(b, loc, needsAdjust, b.create<arith::AddIOp>(loc, remainder, rhs),
                remainder);
}

/// base ^ exponent for integers by repeated squaring (exact, wrapping like
/// numpy). A negative exponent gives the truncated 1 / base^-exponent.
Value createIntegerPow(OpBuilder &b, Location loc, Value base, Value exponent,
                       bool baseUnsigned, bool exponentUnsigned) {
  Type baseType = base.getType();
  Type i64 = b.getI64Type();
  Value wideExponent = castScalar(b, loc, exponent, i64, exponentUnsigned, false);
  Value zero64 = createScalarConstant(b, loc, i64, 0);
  Value one64 = createScalarConstant(b, loc, i64, 1);
  Value one = constantLike(b, loc, base, 1.0);

  Value isNegative;
  Value loopExponent = wideExponent;
  if (!exponentUnsigned) {
    isNegative = cmpi(b, loc, arith::CmpIPredicate::slt, wideExponent, zero64);
    loopExponent = select(b, loc, isNegative, zero64, wideExponent);
  }

  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{baseType, baseType, i64}, ValueRange{one, base, loopExponent},
      [&](OpBuilder &nb, Location nloc, ValueRange state) {
        Value more = cmpi(nb, nloc, arith::CmpIPredicate::ne, state[2], zero64);
        nb.create<scf::ConditionOp>(nloc, more, state);
      },
      [&](OpBuilder &nb, Location nloc, ValueRange state) {
        Value lowBit = nb.create<arith::AndIOp>(nloc, state[2], one64);
        Value product = nb.create<arith::MulIOp>(nloc, state[0], state[1]);
        Value accumulated =
            select(nb, nloc, cmpi(nb, nloc, arith::CmpIPredicate::ne, lowBit, zero64),
                   product, state[0]);
        Value squared = nb.create<arith::MulIOp>(nloc, state[1], state[1]);
        Value rest = nb.create<arith::ShRUIOp>(nloc, state[2], one64);
        nb.create<scf::YieldOp>(nloc, ValueRange{accumulated, squared, rest});
      });
  Value power = loop.getResult(0);
  if (!isNegative)
    return power;

  Value zero = constantLike(b, loc, base, 0.0);
  Value reciprocal =
      select(b, loc, cmpi(b, loc, arith::CmpIPredicate::eq, base, one), one, zero);
  if (!baseUnsigned) {
    Value minusOne = constantLike(b, loc, base, -1.0);
    Value odd = cmpi(b, loc, arith::CmpIPredicate::ne,
                     b.create<arith::AndIOp>(loc, wideExponent, one64), zero64);
    Value minusOnePower = select(b, loc, odd, minusOne, one);
    reciprocal = select(b, loc, cmpi(b, loc, arith::CmpIPredicate::eq, base, minusOne),
                        minusOnePower, reciprocal);
  }
  return select(b, loc, isNegative, reciprocal, power);
}

Value createPow(OpBuilder &b, Location loc, graph::PowOp op, Value base, Value exponent,
                bool baseUnsigned) {
  bool exponentUnsigned = hasUnsignedElements(op.getRhs());
  Type baseType = base.getType();
  if (isa<IntegerType>(baseType) && isa<IntegerType>(exponent.getType()))
    return createIntegerPow(b, loc, base, exponent, baseUnsigned, exponentUnsigned);

  // Everything else goes through powf in at least single precision; an integer
  // base is raised in double precision and truncated back, like numpy.
  Type computeType = b.getF32Type();
  if (isa<IntegerType>(baseType))
    computeType = b.getF64Type();
  for (Value operand : {base, exponent})
    if (auto floatType = dyn_cast<FloatType>(operand.getType()))
      if (floatType.getWidth() > computeType.getIntOrFloatBitWidth())
        computeType = floatType;
  Value wideBase = castScalar(b, loc, base, computeType, baseUnsigned, false);
  Value wideExponent = castScalar(b, loc, exponent, computeType, exponentUnsigned, false);
  Value power = b.create<math::PowFOp>(loc, wideBase, wideExponent);
  return castScalarWrapping(b, loc, power, baseType, false, baseUnsigned);
}

Value createBitShift(OpBuilder &b, Location loc, graph::BitShiftOp op, Value lhs,
                     Value rhs, bool isUnsigned) {
  // Shifting by the width or more is poison in LLVM; numpy gives 0 (or the
  // sign fill for arithmetic right shifts).
  unsigned width = lhs.getType().getIntOrFloatBitWidth();
  Value widthValue = constantLike(b, loc, lhs, width);
  Value inRange = cmpi(b, loc, arith::CmpIPredicate::ult, rhs, widthValue);
  if (op.getShiftLeft())
    return select(b, loc, inRange, b.create<arith::ShLIOp>(loc, lhs, rhs),
                  constantLike(b, loc, lhs, 0.0));
  if (isUnsigned)
    return select(b, loc, inRange, b.create<arith::ShRUIOp>(loc, lhs, rhs),
                  constantLike(b, loc, lhs, 0.0));
  Value signFill = b.create<arith::ShRSIOp>(loc, lhs, constantLike(b, loc, lhs, width - 1));
  return select(b, loc, inRange, b.create<arith::ShRSIOp>(loc, lhs, rhs), signFill);
}

/// A comparison with ordered float predicates and signed or unsigned integer
/// ones (booleans compare as unsigned: false < true).
Value createCompare(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned,
                    arith::CmpFPredicate floatPredicate,
                    arith::CmpIPredicate signedPredicate,
                    arith::CmpIPredicate unsignedPredicate) {
  if (isa<FloatType>(lhs.getType()))
    return cmpf(b, loc, floatPredicate, lhs, rhs);
  bool compareUnsigned = isUnsigned || lhs.getType().isInteger(1);
  return cmpi(b, loc, compareUnsigned ? unsignedPredicate : signedPredicate, lhs, rhs);
}

/// Picks the float, signed-integer or unsigned-integer form of a binary op.
template <typename FloatOp, typename SignedOp, typename UnsignedOp = SignedOp>
Value createArithmetic(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<FloatOp>(loc, lhs, rhs);
  if (isUnsigned)
    return b.create<UnsignedOp>(loc, lhs, rhs);
  return b.create<SignedOp>(loc, lhs, rhs);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Computes one result element of `op` from its operand elements (already
/// broadcast). `isUnsigned` says whether the first operand's original element
/// type is unsigned; bodies that care about other operands inspect `op`.
template <typename OpT>
using ScalarBody = std::function<Value(OpBuilder &, Location, OpT, ValueRange, bool)>;

/// Lowers an elementwise op to one broadcasting linalg.generic around `body`.
template <typename OpT>
class ElementwiseLowering : public OpConversionPattern<OpT> {
public:
  /// With `computeNarrowFloatsInF32`, f16/bf16 operands are extended to f32
  /// for the body and the result rounded back: the math library has no
  /// half-precision entry points, and the reference computes them in f32 too.
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *context,
                      ScalarBody<OpT> body, bool computeNarrowFloatsInF32)
      : OpConversionPattern<OpT>(converter, context), body(std::move(body)),
        computeNarrowFloatsInF32(computeNarrowFloatsInF32) {}

  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Operation *operation = op.getOperation();
    Type originalType = operation->getResult(0).getType();
    RankedTensorType resultType =
        convertTensorType(*this->getTypeConverter(), originalType);
    if (!resultType || !isNumericElementType(resultType.getElementType()))
      return op.emitError() << "cannot generate code for a result of type "
                            << originalType << " (only integer and float elements)";
    for (Value operand : operation->getOperands())
      if (!isNumericElementType(getElementTypeOrSelf(operand.getType())))
        return op.emitError() << "cannot generate code for an operand of type "
                              << operand.getType() << " (only integer and float elements)";

    bool isUnsigned = hasUnsignedElements(operation->getOperand(0));
    auto computeElement = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      if (!computeNarrowFloatsInF32)
        return body(b, loc, op, args, isUnsigned);
      SmallVector<Value> widened;
      for (Value arg : args) {
        auto floatType = dyn_cast<FloatType>(arg.getType());
        if (floatType && floatType.getWidth() < 32)
          arg = b.create<arith::ExtFOp>(loc, b.getF32Type(), arg);
        widened.push_back(arg);
      }
      Value result = body(b, loc, op, widened, isUnsigned);
      Type elementType = resultType.getElementType();
      if (result.getType() != elementType && isa<FloatType>(elementType))
        result = b.create<arith::TruncFOp>(loc, elementType, result);
      return result;
    };
    Value result = createElementwiseGeneric(rewriter, op.getLoc(), resultType,
                                            adaptor.getOperands(), computeElement);
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  ScalarBody<OpT> body;
  bool computeNarrowFloatsInF32;
};

/// Clip's bounds are one-element tensors of any shape (and may be computed at
/// run time); reshaped to rank 0 they broadcast into the generic like scalars.
struct ClipLowering : OpConversionPattern<graph::ClipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ClipOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    if (!resultType || !isNumericElementType(resultType.getElementType()))
      return op.emitError() << "cannot generate code for Clip of " << op.getType();
    Location loc = op.getLoc();
    auto scalarType = RankedTensorType::get({}, resultType.getElementType());
    SmallVector<Value> inputs = {adaptor.getInput()};
    for (Value bound : {adaptor.getMin(), adaptor.getMax()}) {
      if (cast<RankedTensorType>(bound.getType()).getNumElements() != 1)
        return op.emitError() << "Clip bounds must have one element, got "
                              << bound.getType();
      inputs.push_back(createStaticReshape(rewriter, loc, bound, scalarType));
    }
    bool isUnsigned = hasUnsignedElements(op.getInput());
    Value result = createElementwiseGeneric(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          if (isa<FloatType>(args[0].getType())) {
            Value lowered = b.create<arith::MaximumFOp>(nloc, args[0], args[1]);
            return b.create<arith::MinimumFOp>(nloc, lowered, args[2]);
          }
          if (isUnsigned) {
            Value lowered = b.create<arith::MaxUIOp>(nloc, args[0], args[1]);
            return b.create<arith::MinUIOp>(nloc, lowered, args[2]);
          }
          Value lowered = b.create<arith::MaxSIOp>(nloc, args[0], args[1]);
          return b.create<arith::MinSIOp>(nloc, lowered, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Identity forwards its operand; distinct output buffers are the concern of
/// the function boundary, not of the tensor-level IR.
struct IdentityLowering : OpConversionPattern<graph::IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::IdentityOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Registers the elementwise lowering of OpT with `body`.
template <typename OpT>
void addElementwise(RewritePatternSet &patterns, const TypeConverter &converter,
                    ScalarBody<OpT> body, bool computeNarrowFloatsInF32 = false) {
  patterns.add<ElementwiseLowering<OpT>>(converter, patterns.getContext(),
                                         std::move(body), computeNarrowFloatsInF32);
}

/// A float-only unary op that is a single math/arith op on its operand.
template <typename OpT, typename MathOp>
void addFloatUnary(RewritePatternSet &patterns, const TypeConverter &converter) {
  addElementwise<OpT>(
      patterns, converter,
      [](OpBuilder &b, Location loc, OpT, ValueRange args, bool) -> Value {
        return b.create<MathOp>(loc, args[0]);
      },
      /*computeNarrowFloatsInF32=*/true);
}

/// A float-only unary op described by a scalar function of x and the op.
template <typename OpT>
void addFloatActivation(
    RewritePatternSet &patterns, const TypeConverter &converter,
    std::function<Value(OpBuilder &, Location, OpT, Value)> activation) {
  addElementwise<OpT>(
      patterns, converter,
      [activation](OpBuilder &b, Location loc, OpT op, ValueRange args, bool) {
        return activation(b, loc, op, args[0]);
      },
      /*computeNarrowFloatsInF32=*/true);
}

/// A binary op that maps to one arith op per element-type class.
template <typename OpT, typename FloatOp, typename SignedOp, typename UnsignedOp = SignedOp>
void addArithmetic(RewritePatternSet &patterns, const TypeConverter &converter) {
  addElementwise<OpT>(patterns, converter,
                      [](OpBuilder &b, Location loc, OpT, ValueRange args,
                         bool isUnsigned) {
                        return createArithmetic<FloatOp, SignedOp, UnsignedOp>(
                            b, loc, args[0], args[1], isUnsigned);
                      });
}

template <typename OpT>
void addCompare(RewritePatternSet &patterns, const TypeConverter &converter,
                arith::CmpFPredicate floatPredicate,
                arith::CmpIPredicate signedPredicate,
                arith::CmpIPredicate unsignedPredicate) {
  addElementwise<OpT>(patterns, converter,
                      [=](OpBuilder &b, Location loc, OpT, ValueRange args,
                          bool isUnsigned) {
                        return createCompare(b, loc, args[0], args[1], isUnsigned,
                                             floatPredicate, signedPredicate,
                                             unsignedPredicate);
                      });
}

template <typename OpT, typename LogicOp>
void addLogical(RewritePatternSet &patterns, const TypeConverter &converter) {
  addElementwise<OpT>(patterns, converter,
                      [](OpBuilder &b, Location loc, OpT, ValueRange args, bool) -> Value {
                        return b.create<LogicOp>(loc, args[0], args[1]);
                      });
}

void populateUnaryMath(const TypeConverter &converter, RewritePatternSet &patterns) {
  addFloatUnary<graph::ExpOp, math::ExpOp>(patterns, converter);
  addFloatUnary<graph::LogOp, math::LogOp>(patterns, converter);
  addFloatUnary<graph::SqrtOp, math::SqrtOp>(patterns, converter);
  addFloatUnary<graph::FloorOp, math::FloorOp>(patterns, converter);
  addFloatUnary<graph::CeilOp, math::CeilOp>(patterns, converter);
  addFloatUnary<graph::RoundOp, math::RoundEvenOp>(patterns, converter);
  addFloatUnary<graph::ErfOp, math::ErfOp>(patterns, converter);
  addFloatUnary<graph::SinOp, math::SinOp>(patterns, converter);
  addFloatUnary<graph::CosOp, math::CosOp>(patterns, converter);
  addFloatUnary<graph::TanOp, math::TanOp>(patterns, converter);
  addFloatUnary<graph::AsinOp, math::AsinOp>(patterns, converter);
  addFloatUnary<graph::AcosOp, math::AcosOp>(patterns, converter);
  addFloatUnary<graph::AtanOp, math::AtanOp>(patterns, converter);
  addFloatUnary<graph::SinhOp, math::SinhOp>(patterns, converter);
  addFloatUnary<graph::CoshOp, math::CoshOp>(patterns, converter);
  addFloatUnary<graph::AsinhOp, math::AsinhOp>(patterns, converter);
  addFloatUnary<graph::AcoshOp, math::AcoshOp>(patterns, converter);
  addFloatUnary<graph::AtanhOp, math::AtanhOp>(patterns, converter);
  addFloatUnary<graph::TanhOp, math::TanhOp>(patterns, converter);
  addFloatActivation<graph::ReciprocalOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::ReciprocalOp, Value x) {
        return b.create<arith::DivFOp>(loc, constantLike(b, loc, x, 1.0), x);
      });

  addElementwise<graph::AbsOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::AbsOp, ValueRange args,
         bool isUnsigned) -> Value {
        Value x = args[0];
        if (isa<FloatType>(x.getType()))
          return b.create<math::AbsFOp>(loc, x);
        return isUnsigned ? x : b.create<math::AbsIOp>(loc, x).getResult();
      });
  addElementwise<graph::NegOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::NegOp, ValueRange args, bool) -> Value {
        Value x = args[0];
        if (isa<FloatType>(x.getType()))
          return b.create<arith::NegFOp>(loc, x);
        return b.create<arith::SubIOp>(loc, constantLike(b, loc, x, 0.0), x);
      });
  addElementwise<graph::SignOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::SignOp, ValueRange args, bool isUnsigned) {
        return createSign(b, loc, args[0], isUnsigned);
      });
  addElementwise<graph::NotOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::NotOp, ValueRange args, bool) -> Value {
        return b.create<arith::XOrIOp>(loc, args[0], constantLike(b, loc, args[0], 1.0));
      });
  addFloatActivation<graph::IsNaNOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::IsNaNOp, Value x) {
        return cmpf(b, loc, arith::CmpFPredicate::UNO, x, x);
      });
  addFloatActivation<graph::IsInfOp>(patterns, converter, createIsInf);
  patterns.add<IdentityLowering>(converter, patterns.getContext());
}

void populateActivations(const TypeConverter &converter, RewritePatternSet &patterns) {
  using Pred = arith::CmpFPredicate;
  addElementwise<graph::ReluOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::ReluOp, ValueRange args,
         bool isUnsigned) -> Value {
        Value x = args[0];
        if (isUnsigned)
          return x;
        Value zero = constantLike(b, loc, x, 0.0);
        if (isa<FloatType>(x.getType()))
          return b.create<arith::MaximumFOp>(loc, x, zero);
        return b.create<arith::MaxSIOp>(loc, x, zero);
      });
  addFloatActivation<graph::SigmoidOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::SigmoidOp, Value x) {
        return createSigmoid(b, loc, x);
      });
  addFloatActivation<graph::SoftplusOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::SoftplusOp, Value x) {
        return createSoftplus(b, loc, x);
      });
  addFloatActivation<graph::SoftsignOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::SoftsignOp, Value x) {
        Value denominator = addf(b, loc, constantLike(b, loc, x, 1.0),
                                 b.create<math::AbsFOp>(loc, x));
        return b.create<arith::DivFOp>(loc, x, denominator);
      });
  addFloatActivation<graph::HardSwishOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::HardSwishOp, Value x) {
        Value gate = addf(b, loc, mulf(b, loc, x, constantLike(b, loc, x, 1.0 / 6.0)),
                          constantLike(b, loc, x, 0.5));
        return mulf(b, loc, x, clampToUnit(b, loc, gate));
      });
  addFloatActivation<graph::MishOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::MishOp, Value x) {
        return mulf(b, loc, x, b.create<math::TanhOp>(loc, createSoftplus(b, loc, x)));
      });
  addFloatActivation<graph::LeakyReluOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::LeakyReluOp op, Value x) {
        Value scaled = mulf(b, loc, attrConstant(b, loc, x, op.getAlpha()), x);
        return select(b, loc, cmpf(b, loc, Pred::OLT, x, constantLike(b, loc, x, 0.0)),
                      scaled, x);
      });
  addFloatActivation<graph::EluOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::EluOp op, Value x) {
        Value one = constantLike(b, loc, x, 1.0);
        Value negative = mulf(b, loc, attrConstant(b, loc, x, op.getAlpha()),
                              subf(b, loc, exp(b, loc, x), one));
        return select(b, loc, cmpf(b, loc, Pred::OLT, x, constantLike(b, loc, x, 0.0)),
                      negative, x);
      });
  addFloatActivation<graph::CeluOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::CeluOp op, Value x) {
        Value alpha = attrConstant(b, loc, x, op.getAlpha());
        Value zero = constantLike(b, loc, x, 0.0);
        Value expm1 = subf(b, loc, exp(b, loc, b.create<arith::DivFOp>(loc, x, alpha)),
                           constantLike(b, loc, x, 1.0));
        Value negativePart =
            b.create<arith::MinimumFOp>(loc, zero, mulf(b, loc, alpha, expm1));
        return addf(b, loc, b.create<arith::MaximumFOp>(loc, zero, x), negativePart);
      });
  addFloatActivation<graph::ThresholdedReluOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::ThresholdedReluOp op, Value x) {
        Value alpha = attrConstant(b, loc, x, op.getAlpha());
        return select(b, loc, cmpf(b, loc, Pred::OGT, x, alpha), x,
                      constantLike(b, loc, x, 0.0));
      });
  addFloatActivation<graph::SeluOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::SeluOp op, Value x) {
        Value alpha = attrConstant(b, loc, x, op.getAlpha());
        Value gamma = attrConstant(b, loc, x, op.getGamma());
        Value negative =
            mulf(b, loc, gamma, subf(b, loc, mulf(b, loc, alpha, exp(b, loc, x)), alpha));
        return select(b, loc, cmpf(b, loc, Pred::OGT, x, constantLike(b, loc, x, 0.0)),
                      mulf(b, loc, gamma, x), negative);
      });
  addFloatActivation<graph::HardSigmoidOp>(
      patterns, converter, [](OpBuilder &b, Location loc, graph::HardSigmoidOp op, Value x) {
        Value linear = addf(b, loc, mulf(b, loc, attrConstant(b, loc, x, op.getAlpha()), x),
                            attrConstant(b, loc, x, op.getBeta()));
        return clampToUnit(b, loc, linear);
      });
  addElementwise<graph::ShrinkOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::ShrinkOp op, ValueRange args, bool isUnsigned) {
        return createShrink(b, loc, op, args[0], isUnsigned);
      },
      /*computeNarrowFloatsInF32=*/true);
  patterns.add<ClipLowering>(converter, patterns.getContext());
}

void populateBinary(const TypeConverter &converter, RewritePatternSet &patterns) {
  addArithmetic<graph::AddOp, arith::AddFOp, arith::AddIOp>(patterns, converter);
  addArithmetic<graph::SubOp, arith::SubFOp, arith::SubIOp>(patterns, converter);
  addArithmetic<graph::MulOp, arith::MulFOp, arith::MulIOp>(patterns, converter);
  addArithmetic<graph::DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(patterns,
                                                                             converter);
  // maximumf/minimumf propagate NaN, like numpy.maximum/minimum.
  addArithmetic<graph::MaxOp, arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(
      patterns, converter);
  addArithmetic<graph::MinOp, arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(
      patterns, converter);
  addElementwise<graph::ModOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::ModOp op, ValueRange args, bool isUnsigned) {
        return createMod(b, loc, op, args[0], args[1], isUnsigned);
      });
  addElementwise<graph::PowOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::PowOp op, ValueRange args, bool isUnsigned) {
        return createPow(b, loc, op, args[0], args[1], isUnsigned);
      });
  addElementwise<graph::PReluOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::PReluOp, ValueRange args,
         bool isUnsigned) -> Value {
        Value x = args[0], slope = args[1];
        if (isUnsigned)
          return x;
        Value zero = constantLike(b, loc, x, 0.0);
        if (isa<FloatType>(x.getType()))
          return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, x, zero),
                        mulf(b, loc, slope, x), x);
        return select(b, loc, cmpi(b, loc, arith::CmpIPredicate::slt, x, zero),
                      b.create<arith::MulIOp>(loc, slope, x), x);
      });
  addElementwise<graph::BitShiftOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::BitShiftOp op, ValueRange args,
         bool isUnsigned) {
        return createBitShift(b, loc, op, args[0], args[1], isUnsigned);
      });

  using FPred = arith::CmpFPredicate;
  using IPred = arith::CmpIPredicate;
  addCompare<graph::EqualOp>(patterns, converter, FPred::OEQ, IPred::eq, IPred::eq);
  addCompare<graph::LessOp>(patterns, converter, FPred::OLT, IPred::slt, IPred::ult);
  addCompare<graph::LessOrEqualOp>(patterns, converter, FPred::OLE, IPred::sle,
                                   IPred::ule);
  addCompare<graph::GreaterOp>(patterns, converter, FPred::OGT, IPred::sgt, IPred::ugt);
  addCompare<graph::GreaterOrEqualOp>(patterns, converter, FPred::OGE, IPred::sge,
                                      IPred::uge);

  addLogical<graph::AndOp, arith::AndIOp>(patterns, converter);
  addLogical<graph::OrOp, arith::OrIOp>(patterns, converter);
  addLogical<graph::XorOp, arith::XOrIOp>(patterns, converter);

  addElementwise<graph::WhereOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::WhereOp, ValueRange args, bool) {
        return select(b, loc, args[0], args[1], args[2]);
      });
  addElementwise<graph::CastOp>(
      patterns, converter,
      [](OpBuilder &b, Location loc, graph::CastOp op, ValueRange args, bool isUnsigned) {
        Type target = getElementTypeOrSelf(op.getType());
        Type signlessTarget = target;
        if (auto intType = dyn_cast<IntegerType>(target))
          signlessTarget = b.getIntegerType(intType.getWidth());
        return castScalarWrapping(b, loc, args[0], signlessTarget, isUnsigned,
                                  isUnsignedInteger(target));
      });
}

} // namespace

void populateElementwiseLoweringPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  populateUnaryMath(converter, patterns);
  populateActivations(converter, patterns);
  populateBinary(converter, patterns);
}

} // namespace kiln::codegen
