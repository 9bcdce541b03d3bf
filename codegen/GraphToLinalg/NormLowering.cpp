//===- NormLowering.cpp - graph-to-linalg patterns: normalization --------===//
//
// BatchNormalization (inference), InstanceNormalization, LayerNormalization
// and LRN. Statistics are keep-dims reductions (NNPatterns.h), so the final
// elementwise pass reads them through plain broadcasting maps. Variances are
// computed in two passes (mean, then mean squared deviation), which is exact
// where E[x^2] - E[x]^2 cancels.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// A per-channel [C] tensor as [C, 1, ..., 1], so that it broadcasts along
/// dimension 1 of a rank-`rank` tensor.
Value asChannelVector(OpBuilder &b, Location loc, Value value, int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = type.getDimSize(0);
  return createStaticReshape(b, loc, value, RankedTensorType::get(shape, type.getElementType()));
}

/// Mean and summed squared deviation of `input` over `dims` (keep-dims).
std::pair<Value, Value> createMoments(OpBuilder &b, Location loc, Value input,
                                      ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  int64_t count = 1;
  for (int64_t d : dims)
    count *= type.getDimSize(d);
  Value zero = createScalarConstant(b, loc, elementType, 0);
  Value countValue = createScalarConstant(b, loc, elementType, double(count));
  Value sum = createReduction(
      b, loc, type.getShape(), dims, {input}, {zero},
      [](OpBuilder &nested, Location l, ValueRange in, ValueRange acc) -> SmallVector<Value> {
        return {nested.create<arith::AddFOp>(l, acc[0], in[0])};
      })[0];
  auto statType = cast<RankedTensorType>(sum.getType());
  Value mean = createElementwiseGeneric(
      b, loc, statType, {sum}, [&](OpBuilder &nested, Location l, ValueRange args) -> Value {
        return nested.create<arith::DivFOp>(l, args[0], countValue);
      });
  Value squaredDeviations = createReduction(
      b, loc, type.getShape(), dims, {input, mean}, {zero},
      [](OpBuilder &nested, Location l, ValueRange in, ValueRange acc) -> SmallVector<Value> {
        Value deviation = nested.create<arith::SubFOp>(l, in[0], in[1]);
        Value square = nested.create<arith::MulFOp>(l, deviation, deviation);
        return {nested.create<arith::AddFOp>(l, acc[0], square)};
      })[0];
  Value variance = createElementwiseGeneric(
      b, loc, statType, {squaredDeviations},
      [&](OpBuilder &nested, Location l, ValueRange args) -> Value {
        return nested.create<arith::DivFOp>(l, args[0], countValue);
      });
  return {mean, variance};
}

/// y = (x - mean) * (scale / sqrt(var + epsilon)) + bias; the channel factor
/// is computed once per channel.
struct BatchNormLowering : OpConversionPattern<graph::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    Type elementType = type.getElementType();
    int64_t rank = type.getRank();
    Value epsilon =
        createScalarConstant(rewriter, loc, elementType, op.getEpsilon().convertToDouble());
    auto channelType = cast<RankedTensorType>(adaptor.getScale().getType());
    Value factor = createElementwiseGeneric(
        rewriter, loc, channelType, {adaptor.getScale(), adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted = b.create<arith::AddFOp>(l, args[1], epsilon);
          Value deviation = b.create<math::SqrtOp>(l, shifted);
          return b.create<arith::DivFOp>(l, args[0], deviation);
        });
    Value result = createElementwiseGeneric(
        rewriter, loc, type,
        {adaptor.getInput(), asChannelVector(rewriter, loc, adaptor.getMean(), rank),
         asChannelVector(rewriter, loc, factor, rank),
         asChannelVector(rewriter, loc, adaptor.getBias(), rank)},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value centered = b.create<arith::SubFOp>(l, args[0], args[1]);
          Value scaled = b.create<arith::MulFOp>(l, centered, args[2]);
          return b.create<arith::AddFOp>(l, scaled, args[3]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Per (n, c) statistics over the spatial dimensions;
/// y = scale * (x - mean) / sqrt(var + epsilon) + bias.
struct InstanceNormLowering : OpConversionPattern<graph::InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::InstanceNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    Type elementType = type.getElementType();
    int64_t rank = type.getRank();
    Value input = adaptor.getInput();
    SmallVector<int64_t> spatialDims;
    for (int64_t d = 2; d < rank; ++d)
      spatialDims.push_back(d);
    auto [mean, variance] = createMoments(rewriter, loc, input, spatialDims);
    Value epsilon =
        createScalarConstant(rewriter, loc, elementType, op.getEpsilon().convertToDouble());
    Value result = createElementwiseGeneric(
        rewriter, loc, type,
        {input, mean, variance, asChannelVector(rewriter, loc, adaptor.getScale(), rank),
         asChannelVector(rewriter, loc, adaptor.getBias(), rank)},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value centered = b.create<arith::SubFOp>(l, args[0], args[1]);
          Value scaled = b.create<arith::MulFOp>(l, args[3], centered);
          Value shifted = b.create<arith::AddFOp>(l, args[2], epsilon);
          Value deviation = b.create<math::SqrtOp>(l, shifted);
          Value normalized = b.create<arith::DivFOp>(l, scaled, deviation);
          return b.create<arith::AddFOp>(l, normalized, args[4]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Statistics over dimensions axis..rank-1; y = (x - mean) * inv_std_dev *
/// scale + bias as in ONNX's function body, computed in the statistics'
/// element type (stash_type, f32 by default). The keep-dims mean and
/// inv_std_dev are the op's second and third results.
struct LayerNormLowering : OpConversionPattern<graph::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getOutput().getType());
    Type elementType = type.getElementType();
    Type computeType = op.getMean().getType().getElementType();
    auto computeTensorType = RankedTensorType::get(type.getShape(), computeType);
    Value input = createFloatCast(rewriter, loc, adaptor.getInput(), computeType);
    Value scale = createFloatCast(rewriter, loc, adaptor.getScale(), computeType);
    Value bias = adaptor.getBias()
                     ? createFloatCast(rewriter, loc, adaptor.getBias(), computeType)
                     : Value();
    SmallVector<int64_t> normalizedDims;
    for (int64_t d = op.getAxis(); d < type.getRank(); ++d)
      normalizedDims.push_back(d);
    auto [mean, variance] = createMoments(rewriter, loc, input, normalizedDims);
    Value epsilon =
        createScalarConstant(rewriter, loc, computeType, op.getEpsilon().convertToDouble());
    Value one = createScalarConstant(rewriter, loc, computeType, 1.0);
    Value invStdDev = createElementwiseGeneric(
        rewriter, loc, cast<RankedTensorType>(variance.getType()), {variance},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted = b.create<arith::AddFOp>(l, args[0], epsilon);
          Value deviation = b.create<math::SqrtOp>(l, shifted);
          return b.create<arith::DivFOp>(l, one, deviation);
        });
    SmallVector<Value> inputs{input, mean, invStdDev, scale};
    if (bias)
      inputs.push_back(bias);
    Value result = createElementwiseGeneric(
        rewriter, loc, computeTensorType, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value centered = b.create<arith::SubFOp>(l, args[0], args[1]);
          Value normalized = b.create<arith::MulFOp>(l, centered, args[2]);
          Value scaled = b.create<arith::MulFOp>(l, normalized, args[3]);
          if (args.size() > 4)
            scaled = b.create<arith::AddFOp>(l, scaled, args[4]);
          return scaled;
        });
    Value output = createFloatCast(rewriter, loc, result, elementType);
    rewriter.replaceOp(op, {output, mean, invStdDev});
    return success();
  }
};

/// y = x / (bias + alpha / size * square_sum)^beta, where square_sum adds x^2
/// over channels c - floor((size-1)/2) .. c + ceil((size-1)/2). The squares
/// are zero-padded along C so every channel window has `size` taps.
struct LRNLowering : OpConversionPattern<graph::LRNOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::LRNOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    int64_t rank = type.getRank();
    int64_t size = op.getSize();
    if (rank < 2)
      return op.emitError() << "lrn expects an N x C x ... input, got " << type;
    if (size < 1)
      return op.emitError() << "lrn needs size >= 1, got " << size;
    Type elementType = type.getElementType();
    Value input = adaptor.getInput();
    Value zero = createScalarConstant(rewriter, loc, elementType, 0);
    Value squares = createElementwiseGeneric(
        rewriter, loc, type, {input}, [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return b.create<arith::MulFOp>(l, args[0], args[0]);
        });
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    low[1] = (size - 1) / 2;
    high[1] = size - 1 - low[1];
    Value padded = createPadded(rewriter, loc, squares, low, high, zero);

    // Loops: the result dimensions, then the channel window.
    Value window = rewriter.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{size}, elementType);
    AffineExpr tap = getAffineDimExpr(rank, context);
    SmallVector<AffineExpr> paddedExprs, outputExprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr dim = getAffineDimExpr(d, context);
      paddedExprs.push_back(d == 1 ? dim + tap : dim);
      outputExprs.push_back(dim);
    }
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, paddedExprs, context),
                                AffineMap::get(rank + 1, 0, {tap}, context),
                                AffineMap::get(rank + 1, 0, outputExprs, context)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value squareSums =
        rewriter
            .create<linalg::GenericOp>(
                loc, TypeRange{type}, ValueRange{padded, window},
                ValueRange{createFilledTensor(rewriter, loc, type, zero)}, maps, iterators,
                [](OpBuilder &b, Location l, ValueRange args) {
                  b.create<linalg::YieldOp>(l, ValueRange{b.create<arith::AddFOp>(
                                                   l, args[2], args[0])});
                })
            .getResult(0);

    Value bias = createScalarConstant(rewriter, loc, elementType,
                                      op.getBias().convertToDouble());
    Value alphaOverSize = createScalarConstant(
        rewriter, loc, elementType, op.getAlpha().convertToDouble() / double(size));
    Value beta =
        createScalarConstant(rewriter, loc, elementType, op.getBeta().convertToDouble());
    Value result = createElementwiseGeneric(
        rewriter, loc, type, {input, squareSums},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value scaled = b.create<arith::MulFOp>(l, alphaOverSize, args[1]);
          Value base = b.create<arith::AddFOp>(l, bias, scaled);
          Value denominator = b.create<math::PowFOp>(l, base, beta);
          return b.create<arith::DivFOp>(l, args[0], denominator);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateNormLoweringPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, InstanceNormLowering, LayerNormLowering, LRNLowering>(
      converter, patterns.getContext());
}

} // namespace kiln::codegen
