//===- PoolLowering.cpp - graph-to-linalg patterns: pooling --------------===//
//
// MaxPool (with or without its indices), AveragePool, LpPool and the global
// pools. Window pools pad their input with the reduction's identity (-inf
// for max, 0 for sums), including the extra end padding that ceil_mode's
// last partial window reaches, then reduce windows with linalg.pooling_*
// (1-D and 2-D) or a linalg.generic over a kernel-shaped placeholder tensor,
// which gives the window loops their bounds.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

using CombineFn = function_ref<Value(OpBuilder &, Location, Value element, Value acc)>;

/// Where the windows of a pool read: pads for every input dimension (N and C
/// unpadded), with ceil_mode's overhang folded into the end padding.
struct PoolGeometry {
  SmallVector<int64_t> onnxPads; // begins then ends, spatial dims only
  SmallVector<int64_t> low, high;
};

template <typename OpTy>
FailureOr<PoolGeometry> computePoolGeometry(OpTy op, RankedTensorType inputType,
                                            RankedTensorType resultType) {
  int64_t spatial = inputType.getRank() - 2;
  ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                    dilations = op.getDilations();
  PoolGeometry geometry;
  geometry.onnxPads =
      resolveWindowPads(op.getAutoPad(), op.getPads(), inputType.getShape().drop_front(2),
                        kernel, strides, dilations);
  geometry.low.assign(2, 0);
  geometry.high.assign(2, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = inputType.getDimSize(i + 2), out = resultType.getDimSize(i + 2);
    int64_t padBegin = geometry.onnxPads[i], padEnd = geometry.onnxPads[i + spatial];
    int64_t expected = graph::windowOutputSize(in, kernel[i], strides[i], dilations[i],
                                               padBegin, padEnd, op.getCeilMode());
    if (expected != out) {
      op.emitError() << "pooling result " << resultType
                     << " does not match the window arithmetic (spatial dimension " << i
                     << " should be " << expected << ")";
      return failure();
    }
    int64_t reach = (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    geometry.low.push_back(padBegin);
    geometry.high.push_back(padEnd + std::max<int64_t>(0, reach - (in + padBegin + padEnd)));
  }
  return geometry;
}

/// Reduces each window of `padded` (N x C x P...) into `init` (N x C x O...)
/// with `combine`. The kernel-shaped tensor.empty only supplies the window
/// loop bounds, as linalg's named pooling ops do.
Value createWindowGeneric(OpBuilder &b, Location loc, Value padded, Value init,
                          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations, CombineFn combine) {
  MLIRContext *context = b.getContext();
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t spatial = static_cast<int64_t>(kernel.size());
  Value window = b.create<tensor::EmptyOp>(loc, kernel, initType.getElementType());
  int64_t numLoops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineExpr> inputExprs{dim(0), dim(1)}, windowExprs, outputExprs{dim(0), dim(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    inputExprs.push_back(o * strides[i] + k * dilations[i]);
    windowExprs.push_back(k);
    outputExprs.push_back(o);
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inputExprs, context),
                              AffineMap::get(numLoops, 0, windowExprs, context),
                              AffineMap::get(numLoops, 0, outputExprs, context)};
  SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{initType}, ValueRange{padded, window}, ValueRange{init}, maps,
          iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            nested.create<linalg::YieldOp>(nestedLoc,
                                           combine(nested, nestedLoc, args[0], args[2]));
          })
      .getResult(0);
}

/// linalg.pooling_ncw_* / pooling_nchw_* when the pool has 1 or 2 spatial
/// dimensions, the generic window reduction otherwise.
template <typename Pool1D, typename Pool2D>
Value createPooling(OpBuilder &b, Location loc, Value padded, Value init,
                    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations, bool allowNamed, CombineFn combine) {
  auto initType = cast<RankedTensorType>(init.getType());
  if (allowNamed && (kernel.size() == 1 || kernel.size() == 2)) {
    Value window = b.create<tensor::EmptyOp>(loc, kernel, initType.getElementType());
    Attribute stridesAttr = b.getI64TensorAttr(strides);
    Attribute dilationsAttr = b.getI64TensorAttr(dilations);
    if (kernel.size() == 1)
      return b
          .create<Pool1D>(loc, TypeRange{initType}, ValueRange{padded, window},
                          ValueRange{init}, stridesAttr, dilationsAttr)
          .getResult(0);
    return b
        .create<Pool2D>(loc, TypeRange{initType}, ValueRange{padded, window},
                        ValueRange{init}, stridesAttr, dilationsAttr)
        .getResult(0);
  }
  return createWindowGeneric(b, loc, padded, init, kernel, strides, dilations, combine);
}

Value addCombine(OpBuilder &b, Location loc, Value element, Value acc) {
  return createAdd(b, loc, acc, element);
}

struct MaxPoolLowering : OpConversionPattern<graph::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::MaxPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    FailureOr<PoolGeometry> geometry = computePoolGeometry(op, inputType, resultType);
    if (failed(geometry))
      return failure();
    Type elementType = resultType.getElementType();
    bool isFloat = isa<FloatType>(elementType);
    bool isUnsigned = isUnsignedInteger(getElementTypeOrSelf(op.getInput().getType())) ||
                      elementType.isInteger(1);
    // Padding never wins the max: it is the type's lowest value.
    Value lowest = createLowestValue(rewriter, loc, elementType, isUnsigned);
    Value padded = createPadded(rewriter, loc, input, geometry->low, geometry->high, lowest);
    Value init = createFilledTensor(rewriter, loc, resultType, lowest);
    auto combine = [&](OpBuilder &b, Location l, Value element, Value acc) -> Value {
      if (isFloat)
        return b.create<arith::MaximumFOp>(l, element, acc);
      if (isUnsigned)
        return b.create<arith::MaxUIOp>(l, element, acc);
      return b.create<arith::MaxSIOp>(l, element, acc);
    };
    // The named NCHW max pools compare signed, so unsigned types go generic.
    Value result = createPooling<linalg::PoolingNcwMaxOp, linalg::PoolingNchwMaxOp>(
        rewriter, loc, padded, init, op.getKernelShape(), op.getStrides(), op.getDilations(),
        /*allowNamed=*/!isUnsigned, combine);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Max pooling that also records where each maximum is: one linalg.generic
/// over (N, C, O1.., K1..) with a value and an index accumulator. A tap
/// inside the unpadded input replaces the running maximum when none was
/// taken yet or when it is greater, so the first maximum in window order
/// wins (as in ONNX Runtime) and a NaN propagates like in graph.max_pool.
struct MaxPoolWithIndicesLowering : OpConversionPattern<graph::MaxPoolWithIndicesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::MaxPoolWithIndicesOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType resultType =
        convertTensorType(*getTypeConverter(), op.getOutput().getType());
    RankedTensorType indicesType = op.getIndices().getType();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    FailureOr<PoolGeometry> geometry = computePoolGeometry(op, inputType, resultType);
    if (failed(geometry))
      return failure();
    Type elementType = resultType.getElementType();
    bool isFloat = isa<FloatType>(elementType);
    bool isUnsigned = isUnsignedInteger(getElementTypeOrSelf(op.getInput().getType())) ||
                      elementType.isInteger(1);
    Value lowest = createLowestValue(rewriter, loc, elementType, isUnsigned);
    Value padded = createPadded(rewriter, loc, input, geometry->low, geometry->high, lowest);
    Value unset = rewriter.create<arith::ConstantOp>(loc, rewriter.getI64IntegerAttr(-1));
    Value initValues = createFilledTensor(rewriter, loc, resultType, lowest);
    Value initIndices = createFilledTensor(rewriter, loc, indicesType, unset);

    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations();
    int64_t spatial = static_cast<int64_t>(kernel.size());
    ArrayRef<int64_t> spatialSizes = inputType.getShape().drop_front(2);
    int64_t channels = inputType.getDimSize(1);
    int64_t plane = 1;
    for (int64_t size : spatialSizes)
      plane *= size;
    bool columnMajor = op.getStorageOrder() == 1;

    Value window = rewriter.create<tensor::EmptyOp>(loc, kernel, elementType);
    int64_t numLoops = 2 + 2 * spatial;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
    SmallVector<AffineExpr> inputExprs{dim(0), dim(1)}, windowExprs,
        outputExprs{dim(0), dim(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
      inputExprs.push_back(o * strides[i] + k * dilations[i]);
      windowExprs.push_back(k);
      outputExprs.push_back(o);
    }
    AffineMap outputMap = AffineMap::get(numLoops, 0, outputExprs, context);
    SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inputExprs, context),
                                AffineMap::get(numLoops, 0, windowExprs, context), outputMap,
                                outputMap};
    SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);

    auto body = [&](OpBuilder &b, Location l, ValueRange args) {
      auto constant = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(l, v); };
      auto index = [&](int64_t d) { return b.create<linalg::IndexOp>(l, d); };
      Value zero = constant(0);
      Value inside = b.create<arith::ConstantOp>(l, b.getBoolAttr(true));
      // Positions in the unpadded input, and whether the tap is inside it.
      SmallVector<Value> positions;
      for (int64_t i = 0; i < spatial; ++i) {
        Value o = b.create<arith::MulIOp>(l, index(2 + i), constant(strides[i]));
        Value k = b.create<arith::MulIOp>(l, index(2 + spatial + i), constant(dilations[i]));
        Value position = b.create<arith::SubIOp>(l, b.create<arith::AddIOp>(l, o, k),
                                                 constant(geometry->onnxPads[i]));
        Value low = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, position, zero);
        Value high = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, position,
                                             constant(spatialSizes[i]));
        inside = b.create<arith::AndIOp>(l, inside, b.create<arith::AndIOp>(l, low, high));
        positions.push_back(position);
      }
      // Row-major: ((p1 * D2 + p2) * D3 + ...); column-major reverses the
      // order of the spatial dimensions.
      Value flat = zero;
      for (int64_t j = 0; j < spatial; ++j) {
        int64_t i = columnMajor ? spatial - 1 - j : j;
        flat = b.create<arith::AddIOp>(
            l, b.create<arith::MulIOp>(l, flat, constant(spatialSizes[i])), positions[i]);
      }
      Value slice = b.create<arith::AddIOp>(
          l, b.create<arith::MulIOp>(l, index(0), constant(channels)), index(1));
      flat = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, slice, constant(plane)),
                                     flat);
      Value flatI64 = b.create<arith::IndexCastOp>(l, b.getI64Type(), flat);

      Value element = args[0], best = args[2], bestIndex = args[3];
      Value greater;
      if (isFloat)
        greater = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, element, best);
      else
        greater = b.create<arith::CmpIOp>(
            l, isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt, element,
            best);
      Value first =
          b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, bestIndex,
                                  b.create<arith::ConstantOp>(l, b.getI64IntegerAttr(-1)));
      Value take =
          b.create<arith::AndIOp>(l, inside, b.create<arith::OrIOp>(l, first, greater));
      Value value = b.create<arith::SelectOp>(l, take, element, best);
      Value where = b.create<arith::SelectOp>(l, take, flatI64, bestIndex);
      b.create<linalg::YieldOp>(l, ValueRange{value, where});
    };
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{resultType, indicesType}, ValueRange{padded, window},
        ValueRange{initValues, initIndices}, maps, iterators, body);
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Number of window taps of each output position along one dimension that
/// fall inside [begin, end) of the padded input.
SmallVector<int64_t> countTaps(int64_t outputSize, int64_t kernel, int64_t stride,
                               int64_t dilation, int64_t begin, int64_t end) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < outputSize; ++o) {
    int64_t count = 0;
    for (int64_t k = 0; k < kernel; ++k) {
      int64_t position = o * stride + k * dilation;
      count += position >= begin && position < end;
    }
    counts.push_back(count);
  }
  return counts;
}

/// Sum of each window divided by its tap count: every tap inside the input
/// and, with count_include_pad, inside the explicit pads, but never the
/// ceil_mode overhang (as ONNX Runtime and PyTorch count). When all windows
/// have the full kernel the divisor is one constant; otherwise it is a
/// constant tensor over the output's spatial positions.
struct AveragePoolLowering : OpConversionPattern<graph::AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::AveragePoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    FailureOr<PoolGeometry> geometry = computePoolGeometry(op, inputType, resultType);
    if (failed(geometry))
      return failure();
    Type elementType = resultType.getElementType();
    Value zero = createScalarConstant(rewriter, loc, elementType, 0);
    Value padded = createPadded(rewriter, loc, input, geometry->low, geometry->high, zero);
    Value init = createFilledTensor(rewriter, loc, resultType, zero);
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations();
    Value sums = createPooling<linalg::PoolingNcwSumOp, linalg::PoolingNchwSumOp>(
        rewriter, loc, padded, init, kernel, strides, dilations, true, addCombine);

    int64_t spatial = inputType.getRank() - 2;
    SmallVector<SmallVector<int64_t>> counts;
    bool uniform = true;
    int64_t fullWindow = 1;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(i + 2);
      int64_t padBegin = geometry->onnxPads[i], padEnd = geometry->onnxPads[i + spatial];
      int64_t begin = op.getCountIncludePad() ? 0 : padBegin;
      int64_t end = op.getCountIncludePad() ? in + padBegin + padEnd : padBegin + in;
      counts.push_back(countTaps(resultType.getDimSize(i + 2), kernel[i], strides[i],
                                 dilations[i], begin, end));
      uniform &= llvm::all_of(counts.back(), [&](int64_t c) { return c == kernel[i]; });
      fullWindow *= kernel[i];
    }

    Value result;
    if (uniform) {
      Value divisor = createScalarConstant(rewriter, loc, elementType, fullWindow);
      result = createElementwiseGeneric(
          rewriter, loc, resultType, {sums},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return b.create<arith::DivFOp>(l, args[0], divisor);
          });
    } else {
      // Divisors over [1, 1, O1, ..., On], row-major.
      SmallVector<int64_t> divisorShape{1, 1};
      divisorShape.append(resultType.getShape().begin() + 2, resultType.getShape().end());
      auto divisorType = RankedTensorType::get(divisorShape, elementType);
      SmallVector<Attribute> divisors;
      SmallVector<int64_t> position(spatial, 0);
      for (int64_t flat = 0, e = divisorType.getNumElements(); flat < e; ++flat) {
        int64_t divisor = 1;
        for (int64_t i = 0; i < spatial; ++i)
          divisor *= counts[i][position[i]];
        divisors.push_back(rewriter.getFloatAttr(elementType, double(divisor)));
        for (int64_t i = spatial - 1; i >= 0; --i) {
          if (++position[i] < divisorShape[i + 2])
            break;
          position[i] = 0;
        }
      }
      Value divisorTensor = rewriter.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(divisorType, divisors));
      result = createElementwiseGeneric(
          rewriter, loc, resultType, {sums, divisorTensor},
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return b.create<arith::DivFOp>(l, args[0], args[1]);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// (sum over the window of |x|^p)^(1/p); zero padding adds nothing.
struct LpPoolLowering : OpConversionPattern<graph::LpPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::LpPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t p = op.getP();
    if (p < 1)
      return op.emitError() << "lp_pool needs p >= 1, got " << p;
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    FailureOr<PoolGeometry> geometry = computePoolGeometry(op, inputType, resultType);
    if (failed(geometry))
      return failure();
    Type elementType = resultType.getElementType();
    Value zero = createScalarConstant(rewriter, loc, elementType, 0);
    Value exponent = createScalarConstant(rewriter, loc, elementType, double(p));
    Value rootExponent = createScalarConstant(rewriter, loc, elementType, 1.0 / double(p));
    Value padded = createPadded(rewriter, loc, input, geometry->low, geometry->high, zero);
    Value init = createFilledTensor(rewriter, loc, resultType, zero);
    Value sums = createWindowGeneric(
        rewriter, loc, padded, init, op.getKernelShape(), op.getStrides(),
        op.getDilations(), [&](OpBuilder &b, Location l, Value element, Value acc) -> Value {
          Value power;
          if (p == 2) {
            power = b.create<arith::MulFOp>(l, element, element);
          } else {
            power = b.create<math::AbsFOp>(l, element);
            if (p != 1)
              power = b.create<math::PowFOp>(l, power, exponent);
          }
          return b.create<arith::AddFOp>(l, acc, power);
        });
    Value result = sums;
    if (p != 1)
      result = createElementwiseGeneric(
          rewriter, loc, resultType, {sums}, [&](OpBuilder &b, Location l, ValueRange args) {
            if (p == 2)
              return b.create<math::SqrtOp>(l, args[0]).getResult();
            return b.create<math::PowFOp>(l, args[0], rootExponent).getResult();
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Global pools reduce every spatial dimension; the keep-dims reduction
/// result already has the N x C x 1 x ... x 1 result shape.
template <typename OpTy, bool isMax>
struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*this->getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type elementType = resultType.getElementType();
    SmallVector<int64_t> spatialDims;
    int64_t count = 1;
    for (int64_t d = 2; d < inputType.getRank(); ++d) {
      spatialDims.push_back(d);
      count *= inputType.getDimSize(d);
    }
    Value initValue = isMax ? createLowestValue(rewriter, loc, elementType, false)
                            : createScalarConstant(rewriter, loc, elementType, 0);
    Value reduced = createReduction(
        rewriter, loc, inputType.getShape(), spatialDims, {input}, {initValue},
        [](OpBuilder &b, Location l, ValueRange in, ValueRange acc) -> SmallVector<Value> {
          if (isMax)
            return {b.create<arith::MaximumFOp>(l, in[0], acc[0])};
          return {b.create<arith::AddFOp>(l, acc[0], in[0])};
        })[0];
    if (!isMax) {
      Value divisor = createScalarConstant(rewriter, loc, elementType, double(count));
      reduced = createElementwiseGeneric(
          rewriter, loc, resultType, {reduced},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return b.create<arith::DivFOp>(l, args[0], divisor);
          });
    }
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

} // namespace

void populatePoolLoweringPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, MaxPoolWithIndicesLowering, AveragePoolLowering,
               LpPoolLowering,
               GlobalPoolLowering<graph::GlobalAveragePoolOp, false>,
               GlobalPoolLowering<graph::GlobalMaxPoolOp, true>>(converter,
                                                                  patterns.getContext());
}

} // namespace kiln::codegen
