//===- SpectralLowering.cpp - graph-to-linalg patterns: DFT, STFT, mel ----===//
//
// graph.dft and graph.stft become one linalg.generic each: a direct O(n^2)
// transform whose reduction dimension runs over the samples of a frame. The
// twiddle angle 2 pi ((k * n) mod N) / N is reduced in integers and its
// cosine and sine computed in f64 so that long transforms keep their
// accuracy; products and sums are in the result type (at least f32). Samples
// are read with tensor.extract because their position depends on run-time
// values (the STFT frame step) or on a different trailing dimension.
// graph.mel_weight_matrix is an elementwise generic over the result.
// graph.tfidf_vectorizer counts each static pool n-gram with one generic over
// (row, gram, skip, start), the gram's items unrolled, then scatters the
// counts into their columns with a second.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The accumulation type of a transform producing `element`.
Type accumulatorType(Type element) {
  return element.getIntOrFloatBitWidth() < 32 ? Float32Type::get(element.getContext())
                                              : element;
}

/// Reads a scalar (rank 0 or a single element) tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  SmallVector<Value> indices(type.getRank(), zero);
  return b.create<tensor::ExtractOp>(loc, tensor, indices);
}

Value toIndex(OpBuilder &b, Location loc, Value integer) {
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), integer);
}

Value toF64(OpBuilder &b, Location loc, Value scalar) {
  Type f64 = b.getF64Type();
  if (isa<IndexType>(scalar.getType()))
    scalar = b.create<arith::IndexCastOp>(loc, b.getI64Type(), scalar);
  if (isa<IntegerType>(scalar.getType()))
    return b.create<arith::SIToFPOp>(loc, f64, scalar);
  if (scalar.getType() != f64)
    return b.create<arith::ExtFOp>(loc, f64, scalar);
  return scalar;
}

/// One term of a transform: the complex sample (re, im) times
/// exp(sign * 2 pi i m / N), m = (k * n) mod N, in `acc`; returns the real
/// part when `imaginary` is false and the imaginary part otherwise.
Value twiddleTerm(OpBuilder &b, Location loc, Type acc, Value re, Value im, Value k, Value n,
                  Value length, bool inverse, Value imaginary) {
  Value m = b.create<arith::RemUIOp>(loc, b.create<arith::MulIOp>(loc, k, n), length);
  double sign = inverse ? 1.0 : -1.0;
  Value scale = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(sign * 2.0 * llvm::numbers::pi));
  Value angle = b.create<arith::DivFOp>(
      loc, b.create<arith::MulFOp>(loc, scale, toF64(b, loc, m)), toF64(b, loc, length));
  auto narrow = [&](Value v) -> Value {
    return acc.isF64() ? v : b.create<arith::TruncFOp>(loc, acc, v).getResult();
  };
  Value cosine = narrow(b.create<math::CosOp>(loc, angle));
  Value sine = narrow(b.create<math::SinOp>(loc, angle));
  Value real = b.create<arith::SubFOp>(loc, b.create<arith::MulFOp>(loc, re, cosine),
                                       b.create<arith::MulFOp>(loc, im, sine));
  Value imag = b.create<arith::AddFOp>(loc, b.create<arith::MulFOp>(loc, re, sine),
                                       b.create<arith::MulFOp>(loc, im, cosine));
  return b.create<arith::SelectOp>(loc, imaginary, imag, real);
}

Value extendTo(OpBuilder &b, Location loc, Value value, Type acc) {
  if (value.getType() == acc)
    return value;
  return b.create<arith::ExtFOp>(loc, acc, value);
}

struct DFTLowering : OpConversionPattern<graph::DFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::DFTOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), axis = op.getAxis(), length = op.getLength();
    bool complex = inputType.getShape().back() == 2, inverse = op.getInverse();
    // Zero padding past the input contributes nothing: reduce over the
    // samples that exist.
    int64_t samples = std::min(length, inputType.getDimSize(axis));
    Type acc = accumulatorType(type.getElementType());
    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = createFilledTensor(rewriter, loc, accType,
                                    createScalarConstant(rewriter, loc, acc, 0.0));
    // The samples along the axis, so that the reduction dimension's extent
    // follows from an operand.
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes, strides(
        rank, rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(rewriter.getIndexAttr(d == axis ? samples : inputType.getDimSize(d)));
    Value sliced = rewriter.create<tensor::ExtractSliceOp>(loc, input, offsets, sizes, strides);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> outputExprs, realExprs;
    for (int64_t d = 0; d < rank; ++d)
      outputExprs.push_back(getAffineDimExpr(d, ctx));
    for (int64_t d = 0; d + 1 < rank; ++d)
      realExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    SmallVector<AffineExpr> imagExprs = realExprs;
    realExprs.push_back(getAffineConstantExpr(0, ctx));
    imagExprs.push_back(getAffineConstantExpr(1, ctx));
    SmallVector<Value> inputs{sliced};
    SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, realExprs, ctx)};
    if (complex) {
      inputs.push_back(sliced);
      maps.push_back(AffineMap::get(rank + 1, 0, imagExprs, ctx));
    }
    maps.push_back(AffineMap::get(rank + 1, 0, outputExprs, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{accType}, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value k = b.create<linalg::IndexOp>(l, axis);
          Value n = b.create<linalg::IndexOp>(l, rank);
          Value channel = b.create<linalg::IndexOp>(l, rank - 1);
          Value re = extendTo(b, l, args[0], acc);
          Value im = complex ? extendTo(b, l, args[1], acc)
                             : createScalarConstant(b, l, acc, 0.0);
          Value isImaginary = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ne, channel,
                                                      b.create<arith::ConstantIndexOp>(l, 0));
          Value term = twiddleTerm(b, l, acc, re, im, k, n,
                                   b.create<arith::ConstantIndexOp>(l, length), inverse,
                                   isImaginary);
          if (inverse)
            term = b.create<arith::MulFOp>(
                l, term, createScalarConstant(b, l, acc, 1.0 / double(length)));
          b.create<linalg::YieldOp>(l, Value(b.create<arith::AddFOp>(l, args.back(), term)));
        });
    rewriter.replaceOp(op, createFloatCast(rewriter, loc, generic.getResult(0),
                                           type.getElementType()));
    return success();
  }
};

struct STFTLowering : OpConversionPattern<graph::STFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::STFTOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    Value signal = adaptor.getSignal();
    auto signalType = cast<RankedTensorType>(signal.getType());
    bool complex = signalType.getDimSize(2) == 2;
    int64_t bins = type.getDimSize(2), signalLength = signalType.getDimSize(1);
    Type acc = accumulatorType(type.getElementType());
    Type element = signalType.getElementType();

    // The reduction runs over a static bound on the frame length: the
    // window's length, a constant frame_length, or the longest length that
    // gives this many bins; samples past the run-time length are masked.
    Value step = toIndex(rewriter, loc, extractScalar(rewriter, loc, adaptor.getFrameStep()));
    Value window = adaptor.getWindow();
    int64_t bound;
    Value length;
    if (window) {
      bound = cast<RankedTensorType>(window.getType()).getDimSize(0);
      length = rewriter.create<arith::ConstantIndexOp>(loc, bound);
    } else {
      auto constant = graph::getConstantIntValues(op.getFrameLength());
      bound = constant && constant->size() == 1 ? (*constant)[0]
              : op.getOnesided()                ? 2 * bins - 1
                                                : bins;
      window = createFilledTensor(rewriter, loc, RankedTensorType::get({bound}, element),
                                  createScalarConstant(rewriter, loc, element, 1.0));
    }
    if (adaptor.getFrameLength())
      length = toIndex(rewriter, loc, extractScalar(rewriter, loc, adaptor.getFrameLength()));
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    // A zero length gives no samples; keep the modulus defined.
    Value modulus = rewriter.create<arith::MaxUIOp>(loc, length, one);

    auto accType = RankedTensorType::get(type.getShape(), acc);
    Value init = createFilledTensor(rewriter, loc, accType,
                                    createScalarConstant(rewriter, loc, acc, 0.0));
    MLIRContext *ctx = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps{AffineMap::get(5, 0, {d(4)}, ctx),
                                AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{accType}, ValueRange{window}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value batch = b.create<linalg::IndexOp>(l, 0);
          Value frame = b.create<linalg::IndexOp>(l, 1);
          Value k = b.create<linalg::IndexOp>(l, 2);
          Value channel = b.create<linalg::IndexOp>(l, 3);
          Value n = b.create<linalg::IndexOp>(l, 4);
          Value position =
              b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, frame, step), n);
          Value valid = b.create<arith::AndIOp>(
              l, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, n, length),
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, position,
                                      b.create<arith::ConstantIndexOp>(l, signalLength)));
          Value zeroIndex = b.create<arith::ConstantIndexOp>(l, 0);
          Value safe = b.create<arith::SelectOp>(l, valid, position, zeroIndex);
          Value weight = extendTo(b, l, args[0], acc);
          Value re = extendTo(
              b, l, b.create<tensor::ExtractOp>(l, signal, ValueRange{batch, safe, zeroIndex}),
              acc);
          Value im = createScalarConstant(b, l, acc, 0.0);
          if (complex)
            im = extendTo(b, l,
                          b.create<tensor::ExtractOp>(l, signal, ValueRange{batch, safe, one}),
                          acc);
          re = b.create<arith::MulFOp>(l, re, weight);
          im = b.create<arith::MulFOp>(l, im, weight);
          Value isImaginary =
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ne, channel, zeroIndex);
          Value term = twiddleTerm(b, l, acc, re, im, k, n, modulus, false, isImaginary);
          term = b.create<arith::SelectOp>(l, valid, term, createScalarConstant(b, l, acc, 0.0));
          b.create<linalg::YieldOp>(l, Value(b.create<arith::AddFOp>(l, args.back(), term)));
        });
    rewriter.replaceOp(op, createFloatCast(rewriter, loc, generic.getResult(0),
                                           type.getElementType()));
    return success();
  }
};

struct MelWeightMatrixLowering : OpConversionPattern<graph::MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::MelWeightMatrixOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    auto scalar = [&](Value tensor) {
      return toF64(rewriter, loc, extractScalar(rewriter, loc, tensor));
    };
    Value melBins = scalar(adaptor.getNumMelBins());
    Value dftLength = scalar(adaptor.getDftLength());
    Value sampleRate = scalar(adaptor.getSampleRate());
    Value lower = scalar(adaptor.getLowerEdgeHertz());
    Value upper = scalar(adaptor.getUpperEdgeHertz());
    auto c = [](OpBuilder &b, Location l, double v) -> Value {
      return b.create<arith::ConstantOp>(l, b.getF64FloatAttr(v));
    };
    // mel(hz) = 2595 log10(1 + hz / 700).
    auto toMel = [&](Value hz) -> Value {
      Value ratio = rewriter.create<arith::AddFOp>(
          loc, c(rewriter, loc, 1.0), rewriter.create<arith::DivFOp>(loc, hz, c(rewriter, loc, 700.0)));
      return rewriter.create<arith::MulFOp>(loc, c(rewriter, loc, 2595.0),
                                            rewriter.create<math::Log10Op>(loc, ratio));
    };
    Value lowMel = toMel(lower);
    Value melStep = rewriter.create<arith::DivFOp>(
        loc, rewriter.create<arith::SubFOp>(loc, toMel(upper), lowMel),
        rewriter.create<arith::AddFOp>(loc, melBins, c(rewriter, loc, 2.0)));
    Value scaledLength = rewriter.create<arith::AddFOp>(loc, dftLength, c(rewriter, loc, 1.0));
    Type i64 = rewriter.getI64Type();

    Value result = createElementwiseGeneric(
        rewriter, loc, type, ValueRange{}, [&](OpBuilder &b, Location l, ValueRange) {
          // Band edge t as a spectrogram bin:
          // floor((dft_length + 1) * 700 * (10^(mel / 2595) - 1) / sample_rate).
          auto edge = [&](Value t) -> Value {
            Value mel = b.create<arith::AddFOp>(
                l, b.create<arith::MulFOp>(l, toF64(b, l, t), melStep), lowMel);
            Value power = b.create<math::PowFOp>(
                l, c(b, l, 10.0), b.create<arith::DivFOp>(l, mel, c(b, l, 2595.0)));
            Value hz = b.create<arith::MulFOp>(
                l, c(b, l, 700.0), b.create<arith::SubFOp>(l, power, c(b, l, 1.0)));
            Value bin = b.create<math::FloorOp>(
                l, b.create<arith::DivFOp>(l, b.create<arith::MulFOp>(l, scaledLength, hz),
                                           sampleRate));
            return b.create<arith::FPToSIOp>(l, i64, bin);
          };
          Value j = b.create<arith::IndexCastOp>(l, i64, b.create<linalg::IndexOp>(l, 0));
          Value i = b.create<arith::IndexCastOp>(l, i64, b.create<linalg::IndexOp>(l, 1));
          auto add = [&](Value v, int64_t n) -> Value {
            return b.create<arith::AddIOp>(l, v, b.create<arith::ConstantIntOp>(l, n, 64));
          };
          Value left = edge(i), center = edge(add(i, 1)), right = edge(add(i, 2));
          auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
            return b.create<arith::CmpIOp>(l, p, x, y);
          };
          auto ratio = [&](Value num, Value den) -> Value {
            return b.create<arith::DivFOp>(l, toF64(b, l, num), toF64(b, l, den));
          };
          using P = arith::CmpIPredicate;
          Value zero = c(b, l, 0.0), oneF = c(b, l, 1.0);
          // Rising edge on [left, center]; a degenerate one is 1 at center.
          Value rising = b.create<arith::SelectOp>(
              l, b.create<arith::AndIOp>(l, cmp(P::sle, left, j), cmp(P::sle, j, center)),
              ratio(b.create<arith::SubIOp>(l, j, left), b.create<arith::SubIOp>(l, center, left)),
              zero);
          Value degenerate = b.create<arith::SelectOp>(l, cmp(P::eq, j, center), oneF, zero);
          rising = b.create<arith::SelectOp>(l, cmp(P::eq, left, center), degenerate, rising);
          // The falling edge on [center, right) overwrites it.
          Value falling = ratio(b.create<arith::SubIOp>(l, right, j),
                                b.create<arith::SubIOp>(l, right, center));
          Value onFalling = b.create<arith::AndIOp>(
              l, cmp(P::slt, center, right),
              b.create<arith::AndIOp>(l, cmp(P::sle, center, j), cmp(P::slt, j, right)));
          Value value = b.create<arith::SelectOp>(l, onFalling, falling, rising);
          return castScalar(b, l, value, type.getElementType(), false, false);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TfIdfVectorizerLowering : OpConversionPattern<graph::TfIdfVectorizerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::TfIdfVectorizerOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rows = inputType.getRank() == 2 ? inputType.getDimSize(0) : 1;
    int64_t length = inputType.getShape().back(), columns = type.getShape().back();
    auto matrixType = RankedTensorType::get({rows, columns}, type.getElementType());
    Type f32 = type.getElementType(), i64 = rewriter.getI64Type();
    auto finish = [&](Value matrix) {
      rewriter.replaceOp(op, createStaticReshape(rewriter, loc, matrix, type));
      return success();
    };

    // The grams that count, padded to the longest into a [grams, longest]
    // table: the lengths and pool are static, so they become constants.
    SmallVector<int64_t> lengths, table, indexes;
    SmallVector<float> weights;
    int64_t longest = 1, offset = 0;
    for (auto [g, n] : llvm::enumerate(op.getGramLengths())) {
      if (n >= op.getMinGramLength() && n <= op.getMaxGramLength()) {
        lengths.push_back(n);
        indexes.push_back(op.getGramIndexes()[g]);
        weights.push_back(op.getWeights()[g]);
        longest = std::max(longest, n);
      }
      offset += n;
    }
    Value zero = createScalarConstant(rewriter, loc, f32, 0.0);
    if (lengths.empty())
      return finish(createFilledTensor(rewriter, loc, matrixType, zero));
    offset = 0;
    for (auto [g, n] : llvm::enumerate(op.getGramLengths())) {
      if (n >= op.getMinGramLength() && n <= op.getMaxGramLength()) {
        for (int64_t j = 0; j < longest; ++j)
          table.push_back(j < n ? op.getPool()[offset + j] : 0);
      }
      offset += n;
    }
    int64_t grams = lengths.size(), skips = op.getMaxSkipCount() + 1;
    auto i64Constant = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> values) -> Value {
      auto constType = RankedTensorType::get(shape, i64);
      return rewriter.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(constType, values));
    };
    Value lengthTable = i64Constant({grams}, lengths);
    Value itemTable = i64Constant({grams, longest}, table);
    Value indexTable = i64Constant({grams}, indexes);
    SmallVector<int64_t> distances;
    for (int64_t s = 0; s < skips; ++s)
      distances.push_back(s + 1);
    Value distanceTable = i64Constant({skips}, distances);
    Value weightTable = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(RankedTensorType::get({grams}, f32), ArrayRef(weights)));
    Value matrix = createStaticReshape(
        rewriter, loc, input, RankedTensorType::get({rows, length}, inputType.getElementType()));

    // counts[b, g]: matches of gram g starting at i with items `distance`
    // apart, over (b, g, distance, i).
    MLIRContext *ctx = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto countType = RankedTensorType::get({rows, grams}, f32);
    Value countInit = createFilledTensor(rewriter, loc, countType, zero);
    SmallVector<AffineMap> countMaps{
        AffineMap::get(4, 0, {d(0), d(3)}, ctx), AffineMap::get(4, 0, {d(1)}, ctx),
        AffineMap::get(4, 0, {d(2)}, ctx), AffineMap::get(4, 0, {d(0), d(1)}, ctx)};
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    auto counts = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{countType}, ValueRange{matrix, lengthTable, distanceTable},
        ValueRange{countInit}, countMaps, ArrayRef<utils::IteratorType>{par, par, red, red},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value row = b.create<linalg::IndexOp>(l, 0);
          Value gram = b.create<linalg::IndexOp>(l, 1);
          Value start = b.create<arith::IndexCastOp>(l, i64, b.create<linalg::IndexOp>(l, 3));
          Value n = args[1], distance = args[2];
          auto c = [&](int64_t v) -> Value { return b.create<arith::ConstantIntOp>(l, v, 64); };
          using P = arith::CmpIPredicate;
          Value last = b.create<arith::AddIOp>(
              l, start,
              b.create<arith::MulIOp>(l, b.create<arith::SubIOp>(l, n, c(1)), distance));
          // A unigram matches once, not once per skip.
          Value match = b.create<arith::AndIOp>(
              l, b.create<arith::CmpIOp>(l, P::slt, last, c(length)),
              b.create<arith::OrIOp>(l, b.create<arith::CmpIOp>(l, P::ne, n, c(1)),
                                     b.create<arith::CmpIOp>(l, P::eq, distance, c(1))));
          for (int64_t j = 0; j < longest; ++j) {
            Value position = b.create<arith::AddIOp>(
                l, start, b.create<arith::MulIOp>(l, c(j), distance));
            Value inside = b.create<arith::CmpIOp>(l, P::slt, position, c(length));
            Value safe = b.create<arith::IndexCastOp>(
                l, b.getIndexType(), b.create<arith::SelectOp>(l, inside, position, c(0)));
            Value item = b.create<tensor::ExtractOp>(l, matrix, ValueRange{row, safe});
            if (item.getType() != i64)
              item = b.create<arith::ExtSIOp>(l, i64, item);
            Value expected = b.create<tensor::ExtractOp>(
                l, itemTable, ValueRange{gram, b.create<arith::ConstantIndexOp>(l, j)});
            Value ok = b.create<arith::OrIOp>(
                l, b.create<arith::CmpIOp>(l, P::sge, c(j), n),
                b.create<arith::CmpIOp>(l, P::eq, item, expected));
            match = b.create<arith::AndIOp>(l, match, ok);
          }
          Value one = createScalarConstant(b, l, f32, 1.0);
          Value term = b.create<arith::SelectOp>(l, match, one,
                                                 createScalarConstant(b, l, f32, 0.0));
          b.create<linalg::YieldOp>(l, Value(b.create<arith::AddFOp>(l, args[3], term)));
        });

    // Scatter the counts into their columns, weighted by the mode.
    StringRef mode = op.getMode();
    Value outInit = createFilledTensor(rewriter, loc, matrixType, zero);
    SmallVector<AffineMap> outMaps{
        AffineMap::get(3, 0, {d(0), d(2)}, ctx), AffineMap::get(3, 0, {d(2)}, ctx),
        AffineMap::get(3, 0, {d(2)}, ctx), AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    auto result = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{matrixType}, ValueRange{counts.getResult(0), indexTable, weightTable},
        ValueRange{outInit}, outMaps, ArrayRef<utils::IteratorType>{par, par, red},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value column = b.create<arith::IndexCastOp>(l, i64, b.create<linalg::IndexOp>(l, 1));
          Value count = args[0], weight = args[2];
          Value none = createScalarConstant(b, l, f32, 0.0);
          Value value = count;
          if (mode == "IDF")
            value = b.create<arith::SelectOp>(
                l, b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, count, none), weight,
                none);
          else if (mode == "TFIDF")
            value = b.create<arith::MulFOp>(l, count, weight);
          Value hit = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, args[1], column);
          value = b.create<arith::SelectOp>(l, hit, value, none);
          b.create<linalg::YieldOp>(l, Value(b.create<arith::AddFOp>(l, args[3], value)));
        });
    return finish(result.getResult(0));
  }
};

} // namespace

void populateSpectralLoweringPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<DFTLowering, STFTLowering, MelWeightMatrixLowering, TfIdfVectorizerLowering>(
      converter, patterns.getContext());
}

} // namespace kiln::codegen
