//===- NNLowering.cpp - graph-to-linalg patterns: NN ops -----------------===//
//
// Matrix products (MatMul, Gemm) and the softmax family, the builders the NN
// lowering files share (NNPatterns.h), and the entry point that gathers the
// convolution, pooling, normalization and resize patterns.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace kiln::codegen {

//===----------------------------------------------------------------------===//
// Shared builders
//===----------------------------------------------------------------------===//

Value createAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::AddFOp>(loc, lhs, rhs);
  return b.create<arith::AddIOp>(loc, lhs, rhs);
}

Value createMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::MulFOp>(loc, lhs, rhs);
  return b.create<arith::MulIOp>(loc, lhs, rhs);
}

Value createPadded(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                   ArrayRef<int64_t> high, Value padValue) {
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    shape.push_back(type.getDimSize(i) + low[i] + high[i]);
    lowSizes.push_back(b.getIndexAttr(low[i]));
    highSizes.push_back(b.getIndexAttr(high[i]));
  }
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  return b.create<tensor::PadOp>(loc, paddedType, input, lowSizes, highSizes, padValue);
}

Value createFloatCast(OpBuilder &b, Location loc, Value input, Type elementType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType() == elementType)
    return input;
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  return createElementwiseGeneric(
      b, loc, resultType, {input}, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return castScalar(nested, nestedLoc, args[0], elementType, false, false);
      });
}

SmallVector<Value> createReduction(
    OpBuilder &b, Location loc, ArrayRef<int64_t> shape, ArrayRef<int64_t> reducedDims,
    ValueRange inputs, ValueRange initValues,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange, ValueRange)> body) {
  MLIRContext *context = b.getContext();
  int64_t rank = static_cast<int64_t>(shape.size());
  SmallVector<int64_t> keptShape, keepDimsShape(shape);
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(reducedDims, d)) {
      iterators[d] = utils::IteratorType::reduction;
      keepDimsShape[d] = 1;
      continue;
    }
    keptShape.push_back(shape[d]);
    keptExprs.push_back(getAffineDimExpr(d, context));
  }
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(getBroadcastIndexingMap(
        cast<RankedTensorType>(input.getType()).getShape(), rank, shape, context));
  AffineMap accumulatorMap = AffineMap::get(rank, 0, keptExprs, context);
  SmallVector<Value> inits;
  SmallVector<Type> types;
  for (Value initValue : initValues) {
    auto type = RankedTensorType::get(keptShape, initValue.getType());
    inits.push_back(createFilledTensor(b, loc, type, initValue));
    types.push_back(type);
    maps.push_back(accumulatorMap);
  }
  size_t numInputs = inputs.size();
  auto generic = b.create<linalg::GenericOp>(
      loc, types, inputs, inits, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> results =
            body(nested, nestedLoc, args.take_front(numInputs), args.drop_front(numInputs));
        nested.create<linalg::YieldOp>(nestedLoc, results);
      });
  SmallVector<Value> results;
  for (Value result : generic.getResults()) {
    Type elementType = cast<RankedTensorType>(result.getType()).getElementType();
    results.push_back(createStaticReshape(
        b, loc, result, RankedTensorType::get(keepDimsShape, elementType)));
  }
  return results;
}

SmallVector<int64_t> resolveWindowPads(StringRef autoPad, ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> spatialSizes,
                                       ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> dilations) {
  if (autoPad == "NOTSET")
    return SmallVector<int64_t>(pads);
  // Callers have checked that the shapes are static, so this always resolves.
  std::optional<graph::Shape> resolved =
      graph::resolveAutoPad(autoPad, spatialSizes, kernel, strides, dilations);
  return SmallVector<int64_t>(resolved->begin(), resolved->end());
}

namespace {

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

Value createZeroFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                       Type elementType) {
  Value zero = createScalarConstant(b, loc, elementType, 0);
  return createFilledTensor(b, loc, RankedTensorType::get(shape, elementType), zero);
}

/// numpy matmul: 1-D operands become a row (lhs) or column (rhs) matrix, batch
/// dimensions broadcast. A rank-2 rhs (the common weight case) is shared by
/// every batch, so the lhs batch folds into its rows and one linalg.matmul
/// does it all; otherwise both sides are brought to the broadcast batch and
/// collapsed into one batch dimension for linalg.batch_matmul.
struct MatMulLowering : OpConversionPattern<graph::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Type elementType = resultType.getElementType();
    if (elementType.isInteger(1))
      return op.emitError() << "matmul of boolean tensors is not supported";
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    if (lhsType.getRank() == 1)
      lhs = createStaticReshape(
          rewriter, loc, lhs,
          RankedTensorType::get({1, lhsType.getDimSize(0)}, elementType));
    if (rhsType.getRank() == 1)
      rhs = createStaticReshape(
          rewriter, loc, rhs,
          RankedTensorType::get({rhsType.getDimSize(0), 1}, elementType));
    ArrayRef<int64_t> lhsShape = cast<RankedTensorType>(lhs.getType()).getShape();
    ArrayRef<int64_t> rhsShape = cast<RankedTensorType>(rhs.getType()).getShape();
    int64_t m = lhsShape[lhsShape.size() - 2], k = lhsShape.back(), n = rhsShape.back();
    std::optional<graph::Shape> batch =
        graph::broadcastShapes(lhsShape.drop_back(2), rhsShape.drop_back(2));
    if (!batch)
      return op.emitError() << "matmul batch dimensions do not broadcast";
    int64_t batchCount = 1;
    for (int64_t size : *batch)
      batchCount *= size;

    Value product;
    if (rhsShape.size() == 2) {
      Value rows = createStaticReshape(
          rewriter, loc, lhs, RankedTensorType::get({batchCount * m, k}, elementType));
      Value init = createZeroFilled(rewriter, loc, {batchCount * m, n}, elementType);
      product = rewriter.create<linalg::MatmulOp>(loc, ValueRange{rows, rhs}, ValueRange{init})
                    .getResult(0);
    } else {
      auto toBatched = [&](Value value, int64_t rows, int64_t cols) {
        SmallVector<int64_t> shape(batch->begin(), batch->end());
        shape.append({rows, cols});
        auto fullType = RankedTensorType::get(shape, elementType);
        if (cast<RankedTensorType>(value.getType()).getShape() != ArrayRef(shape))
          value = createElementwiseGeneric(
              rewriter, loc, fullType, {value},
              [](OpBuilder &, Location, ValueRange args) { return args[0]; });
        return createStaticReshape(
            rewriter, loc, value,
            RankedTensorType::get({batchCount, rows, cols}, elementType));
      };
      Value lhsBatched = toBatched(lhs, m, k);
      Value rhsBatched = toBatched(rhs, k, n);
      Value init = createZeroFilled(rewriter, loc, {batchCount, m, n}, elementType);
      product = rewriter
                    .create<linalg::BatchMatmulOp>(loc, ValueRange{lhsBatched, rhsBatched},
                                                   ValueRange{init})
                    .getResult(0);
    }
    // Restores the batch dimensions and drops those added for 1-D operands.
    rewriter.replaceOp(op, createStaticReshape(rewriter, loc, product, resultType));
    return success();
  }
};

/// alpha * A' * B' + beta * C. The transposes fold into matmul_transpose_a/b
/// (only transA && transB materializes A^T). The product is accumulated from
/// zero and C added afterwards, in the order ONNX evaluates the expression.
struct GemmLowering : OpConversionPattern<graph::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Type elementType = resultType.getElementType();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    if (elementType.isInteger(1))
      return op.emitError() << "gemm of boolean tensors is not supported";
    if (!isa<FloatType>(elementType) &&
        (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
      return op.emitError() << "integer gemm needs integral alpha and beta, got alpha = "
                            << alpha << ", beta = " << beta;
    Value a = adaptor.getA(), b = adaptor.getB();
    Value init = createZeroFilled(rewriter, loc, resultType.getShape(), elementType);
    Value product;
    if (op.getTransA() && op.getTransB()) {
      auto aType = cast<RankedTensorType>(a.getType());
      Value transposedInit = createEmptyTensor(
          rewriter, loc,
          RankedTensorType::get({aType.getDimSize(1), aType.getDimSize(0)}, elementType));
      Value transposed =
          rewriter.create<linalg::TransposeOp>(loc, a, transposedInit, ArrayRef<int64_t>{1, 0})
              .getResult()[0];
      product = rewriter
                    .create<linalg::MatmulTransposeBOp>(loc, ValueRange{transposed, b},
                                                        ValueRange{init})
                    .getResult(0);
    } else if (op.getTransA()) {
      product =
          rewriter.create<linalg::MatmulTransposeAOp>(loc, ValueRange{a, b}, ValueRange{init})
              .getResult(0);
    } else if (op.getTransB()) {
      product =
          rewriter.create<linalg::MatmulTransposeBOp>(loc, ValueRange{a, b}, ValueRange{init})
              .getResult(0);
    } else {
      product = rewriter.create<linalg::MatmulOp>(loc, ValueRange{a, b}, ValueRange{init})
                    .getResult(0);
    }

    Value c = adaptor.getC();
    bool addC = c && beta != 0.0;
    if (alpha == 1.0 && !addC) {
      rewriter.replaceOp(op, product);
      return success();
    }
    Value alphaValue = alpha != 1.0
                           ? createScalarConstant(rewriter, loc, elementType, alpha)
                           : Value();
    Value betaValue =
        addC && beta != 1.0 ? createScalarConstant(rewriter, loc, elementType, beta) : Value();
    SmallVector<Value> inputs{product};
    if (addC)
      inputs.push_back(c);
    Value result = createElementwiseGeneric(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          Value value = args[0];
          if (alphaValue)
            value = createMul(nested, nestedLoc, alphaValue, value);
          if (addC) {
            Value term = args[1];
            if (betaValue)
              term = createMul(nested, nestedLoc, betaValue, term);
            value = createAdd(nested, nestedLoc, value, term);
          }
          return value;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

/// softmax(x) = exp(x - max) / sum(exp(x - max)); subtracting the maximum keeps
/// exp from overflowing. log_softmax = (x - max) - log(sum(exp(x - max))).
Value createSoftmax(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                    int64_t axis, bool logarithm) {
  ArrayRef<int64_t> shape = type.getShape();
  Type elementType = type.getElementType();
  Value lowest = createLowestValue(b, loc, elementType, false);
  Value zero = createScalarConstant(b, loc, elementType, 0);
  Value max = createReduction(b, loc, shape, {axis}, {input}, {lowest},
                              [](OpBuilder &nested, Location nestedLoc, ValueRange in,
                                 ValueRange acc) -> SmallVector<Value> {
                                return {nested.create<arith::MaximumFOp>(nestedLoc, in[0],
                                                                         acc[0])};
                              })[0];
  auto shiftedExp = [](OpBuilder &nested, Location nestedLoc, Value x, Value max) {
    Value shifted = nested.create<arith::SubFOp>(nestedLoc, x, max);
    return nested.create<math::ExpOp>(nestedLoc, shifted).getResult();
  };
  if (logarithm) {
    Value sum = createReduction(b, loc, shape, {axis}, {input, max}, {zero},
                                [&](OpBuilder &nested, Location nestedLoc, ValueRange in,
                                    ValueRange acc) -> SmallVector<Value> {
                                  Value e = shiftedExp(nested, nestedLoc, in[0], in[1]);
                                  return {nested.create<arith::AddFOp>(nestedLoc, e, acc[0])};
                                })[0];
    return createElementwiseGeneric(
        b, loc, type, {input, max, sum},
        [](OpBuilder &nested, Location nestedLoc, ValueRange args) -> Value {
          Value shifted = nested.create<arith::SubFOp>(nestedLoc, args[0], args[1]);
          Value logSum = nested.create<math::LogOp>(nestedLoc, args[2]);
          return nested.create<arith::SubFOp>(nestedLoc, shifted, logSum);
        });
  }
  Value exps = createElementwiseGeneric(
      b, loc, type, {input, max},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return shiftedExp(nested, nestedLoc, args[0], args[1]);
      });
  Value sum = createReduction(b, loc, shape, {axis}, {exps}, {zero},
                              [](OpBuilder &nested, Location nestedLoc, ValueRange in,
                                 ValueRange acc) -> SmallVector<Value> {
                                return {nested.create<arith::AddFOp>(nestedLoc, in[0], acc[0])};
                              })[0];
  // One division per row and a multiplication per element: a vector
  // division costs several multiplications, and LLVM may not make this
  // change itself (it rounds differently, by at most one unit in the last
  // place).
  Value one = createScalarConstant(b, loc, elementType, 1);
  Value reciprocal = createElementwiseGeneric(
      b, loc, cast<RankedTensorType>(sum.getType()), {sum},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return nested.create<arith::DivFOp>(nestedLoc, one, args[0]).getResult();
      });
  return createElementwiseGeneric(
      b, loc, type, {exps, reciprocal},
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return nested.create<arith::MulFOp>(nestedLoc, args[0], args[1]).getResult();
      });
}

/// One-hot of the first maximum along `axis`. The arg-max reduction breaks
/// ties towards the smaller index explicitly, so it stays correct however
/// later passes reorder the reduction.
Value createHardmax(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                    int64_t axis) {
  Type elementType = type.getElementType();
  Type indexType = b.getI64Type();
  Value lowest = createLowestValue(b, loc, elementType, false);
  Value firstIndex = createScalarConstant(b, loc, indexType, 0);
  Value argMax =
      createReduction(
          b, loc, type.getShape(), {axis}, {input}, {lowest, firstIndex},
          [&](OpBuilder &nested, Location nestedLoc, ValueRange in,
              ValueRange acc) -> SmallVector<Value> {
            Value index = nested.create<arith::IndexCastOp>(
                nestedLoc, indexType, nested.create<linalg::IndexOp>(nestedLoc, axis));
            Value greater = nested.create<arith::CmpFOp>(
                nestedLoc, arith::CmpFPredicate::OGT, in[0], acc[0]);
            Value equal = nested.create<arith::CmpFOp>(nestedLoc, arith::CmpFPredicate::OEQ,
                                                       in[0], acc[0]);
            Value earlier = nested.create<arith::CmpIOp>(
                nestedLoc, arith::CmpIPredicate::slt, index, acc[1]);
            Value tieEarlier = nested.create<arith::AndIOp>(nestedLoc, equal, earlier);
            Value take = nested.create<arith::OrIOp>(nestedLoc, greater, tieEarlier);
            return {nested.create<arith::SelectOp>(nestedLoc, take, in[0], acc[0]),
                    nested.create<arith::SelectOp>(nestedLoc, take, index, acc[1])};
          })[1];
  Value one = createScalarConstant(b, loc, elementType, 1);
  Value zero = createScalarConstant(b, loc, elementType, 0);
  return createElementwiseGeneric(
      b, loc, type, {argMax}, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value index = nested.create<arith::IndexCastOp>(
            nestedLoc, indexType, nested.create<linalg::IndexOp>(nestedLoc, axis));
        Value isMax =
            nested.create<arith::CmpIOp>(nestedLoc, arith::CmpIPredicate::eq, index, args[0]);
        return nested.create<arith::SelectOp>(nestedLoc, isMax, one, zero).getResult();
      });
}

template <typename OpTy, SoftmaxKind kind>
struct SoftmaxLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*this->getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    // A scalar is handled as a one-element vector.
    RankedTensorType workType = type;
    if (type.getRank() == 0) {
      workType = RankedTensorType::get({1}, type.getElementType());
      input = createStaticReshape(rewriter, loc, input, workType);
    }
    int64_t axis = op.getAxis();
    Value result = kind == SoftmaxKind::Hardmax
                       ? createHardmax(rewriter, loc, input, workType, axis)
                       : createSoftmax(rewriter, loc, input, workType, axis,
                                       kind == SoftmaxKind::LogSoftmax);
    rewriter.replaceOp(op, createStaticReshape(rewriter, loc, result, type));
    return success();
  }
};

} // namespace

void populateNNLoweringPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<MatMulLowering, GemmLowering,
               SoftmaxLikeLowering<graph::SoftmaxOp, SoftmaxKind::Softmax>,
               SoftmaxLikeLowering<graph::LogSoftmaxOp, SoftmaxKind::LogSoftmax>,
               SoftmaxLikeLowering<graph::HardmaxOp, SoftmaxKind::Hardmax>>(converter,
                                                                            context);
  populateConvLoweringPatterns(converter, patterns);
  populatePoolLoweringPatterns(converter, patterns);
  populateNormLoweringPatterns(converter, patterns);
  populateResizeLoweringPatterns(converter, patterns);
  populateSignalLoweringPatterns(converter, patterns);
}

} // namespace kiln::codegen
