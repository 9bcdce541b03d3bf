//===- ConvLowering.cpp - graph-to-linalg patterns: convolutions ---------===//
//
// Conv and ConvTranspose on N x C x D1 x ... x Dn tensors. Padding becomes a
// tensor.pad, the bias initializes the accumulator, and the convolution
// itself is the matching named linalg op (plain, depthwise or 2-D grouped)
// or, for the layouts linalg has no op for, a grouped linalg.generic.
// ConvTranspose is rewritten into a stride-1 convolution of the input with
// zeros inserted between its elements and a flipped, transposed kernel.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// [d0, d1, rest...] -> [d0, groups, d1 / groups, rest...].
RankedTensorType splitGroups(RankedTensorType type, int64_t dim, int64_t groups) {
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] /= groups;
  shape.insert(shape.begin() + dim, groups);
  return RankedTensorType::get(shape, type.getElementType());
}

/// The convolution for group/layout combinations without a named linalg op:
/// input N x G x C/G x I..., weight G x M/G x C/G x K..., output
/// N x G x M/G x O..., loops (n, g, m, o..., c, k...).
Value createGroupedConvGeneric(OpBuilder &b, Location loc, Value input, Value weight,
                               Value init, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations, int64_t group) {
  MLIRContext *context = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t spatial = inputType.getRank() - 2;
  Value groupedInput =
      createStaticReshape(b, loc, input, splitGroups(inputType, 1, group));
  Value groupedWeight =
      createStaticReshape(b, loc, weight, splitGroups(weightType, 0, group));
  auto groupedInitType = splitGroups(initType, 1, group);
  Value groupedInit = createStaticReshape(b, loc, init, groupedInitType);

  int64_t numLoops = 4 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, context); };
  AffineExpr n = dim(0), g = dim(1), m = dim(2), c = dim(3 + spatial);
  SmallVector<AffineExpr> inputExprs{n, g, c}, weightExprs{g, m, c}, outputExprs{n, g, m};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(3 + i), k = dim(4 + spatial + i);
    inputExprs.push_back(o * strides[i] + k * dilations[i]);
    weightExprs.push_back(k);
    outputExprs.push_back(o);
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inputExprs, context),
                              AffineMap::get(numLoops, 0, weightExprs, context),
                              AffineMap::get(numLoops, 0, outputExprs, context)};
  SmallVector<utils::IteratorType> iterators(3 + spatial, utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{groupedInitType}, ValueRange{groupedInput, groupedWeight},
      ValueRange{groupedInit}, maps, iterators,
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value productValue = createMul(nested, nestedLoc, args[0], args[1]);
        nested.create<linalg::YieldOp>(nestedLoc,
                                       createAdd(nested, nestedLoc, args[2], productValue));
      });
  return createStaticReshape(b, loc, generic.getResult(0), initType);
}

/// Convolution of an already padded `input` (N x C x I...) with `weight`
/// (M x C/group x K...) into `resultType`, plus the per-channel `bias` if
/// any.
Value createConvolution(OpBuilder &b, Location loc, Value input, Value weight, Value bias,
                        ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                        int64_t group, RankedTensorType resultType) {
  Type elementType = resultType.getElementType();
  int64_t spatial = resultType.getRank() - 2;
  Value init;
  if (bias) {
    // The bias seeds the accumulator, so no separate pass adds it.
    SmallVector<int64_t> biasShape(spatial + 1, 1);
    biasShape[0] = resultType.getDimSize(1);
    Value channelBias =
        createStaticReshape(b, loc, bias, RankedTensorType::get(biasShape, elementType));
    init = createElementwiseGeneric(
        b, loc, resultType, {channelBias},
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  } else {
    init = createFilledTensor(b, loc, resultType,
                              createScalarConstant(b, loc, elementType, 0));
  }
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  Attribute stridesAttr = b.getI64TensorAttr(strides);
  Attribute dilationsAttr = b.getI64TensorAttr(dilations);
  auto named = [&](auto opTag, Value namedInput, Value namedWeight) -> Value {
    using NamedOp = decltype(opTag);
    return b
        .create<NamedOp>(loc, TypeRange{resultType}, ValueRange{namedInput, namedWeight},
                         ValueRange{init}, stridesAttr, dilationsAttr)
        .getResult(0);
  };

  int64_t channels = inputType.getDimSize(1);
  int64_t outChannels = weightType.getDimSize(0);
  if (group == 1) {
    if (spatial == 1)
      return named(linalg::Conv1DNcwFcwOp(), input, weight);
    if (spatial == 2)
      return named(linalg::Conv2DNchwFchwOp(), input, weight);
    if (spatial == 3)
      return named(linalg::Conv3DNcdhwFcdhwOp(), input, weight);
  } else if (group == channels && outChannels == channels && spatial <= 3) {
    // Depthwise with multiplier 1: the filter drops its unit C/group dim.
    SmallVector<int64_t> filterShape(weightType.getShape());
    filterShape.erase(filterShape.begin() + 1);
    Value filter = createStaticReshape(b, loc, weight,
                                       RankedTensorType::get(filterShape, elementType));
    if (spatial == 1)
      return named(linalg::DepthwiseConv1DNcwCwOp(), input, filter);
    if (spatial == 2)
      return named(linalg::DepthwiseConv2DNchwChwOp(), input, filter);
    return named(linalg::DepthwiseConv3DNcdhwCdhwOp(), input, filter);
  } else if (spatial == 2) {
    auto groupedType = splitGroups(resultType, 1, group);
    Value groupedInit = createStaticReshape(b, loc, init, groupedType);
    Value groupedInput = createStaticReshape(b, loc, input, splitGroups(inputType, 1, group));
    Value groupedWeight =
        createStaticReshape(b, loc, weight, splitGroups(weightType, 0, group));
    Value grouped = b.create<linalg::Conv2DNgchwGfchwOp>(
                         loc, TypeRange{groupedType}, ValueRange{groupedInput, groupedWeight},
                         ValueRange{groupedInit}, stridesAttr, dilationsAttr)
                        .getResult(0);
    return createStaticReshape(b, loc, grouped, resultType);
  }
  return createGroupedConvGeneric(b, loc, input, weight, init, strides, dilations, group);
}

struct ConvLowering : OpConversionPattern<graph::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t spatial = inputType.getRank() - 2;
    ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
    if (kernel != op.getKernelShape())
      return op.emitError() << "kernel_shape does not match the weight's spatial sizes";
    SmallVector<int64_t> pads =
        resolveWindowPads(op.getAutoPad(), op.getPads(), inputType.getShape().drop_front(2),
                          kernel, op.getStrides(), op.getDilations());
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t expected = graph::windowOutputSize(
          inputType.getDimSize(i + 2), kernel[i], op.getStrides()[i], op.getDilations()[i],
          pads[i], pads[i + spatial], /*ceilMode=*/false);
      if (expected != resultType.getDimSize(i + 2))
        return op.emitError() << "conv result " << resultType
                              << " does not match the window arithmetic (spatial dimension "
                              << i << " should be " << expected << ")";
    }
    SmallVector<int64_t> low(2, 0), high(2, 0);
    low.append(pads.begin(), pads.begin() + spatial);
    high.append(pads.begin() + spatial, pads.end());
    Value zero = createScalarConstant(rewriter, loc, inputType.getElementType(), 0);
    Value padded = createPadded(rewriter, loc, input, low, high, zero);
    rewriter.replaceOp(op, createConvolution(rewriter, loc, padded, adaptor.getWeight(),
                                             adaptor.getBias(), op.getStrides(),
                                             op.getDilations(), op.getGroup(), resultType));
    return success();
  }
};

/// ConvTranspose scatters each input element times the kernel into the
/// output at stride steps. Equivalently: insert stride-1 zeros between input
/// elements, pad by (effective kernel - 1) minus the ONNX pads (output_padding
/// extends the end), and run a stride-1 convolution with the kernel flipped
/// and its in/out channel roles swapped per group.
struct ConvTransposeLowering : OpConversionPattern<graph::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::ConvTransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Type elementType = resultType.getElementType();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t spatial = inputType.getRank() - 2;
    int64_t group = op.getGroup();
    int64_t channels = inputType.getDimSize(1);
    if (channels % group != 0)
      return op.emitError() << "input channels " << channels
                            << " are not divisible by group " << group;
    int64_t perGroupIn = channels / group, perGroupOut = weightType.getDimSize(1);
    ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    if (kernel != op.getKernelShape())
      return op.emitError() << "kernel_shape does not match the weight's spatial sizes";

    SmallVector<int64_t> pads(op.getPads()), outputPadding(op.getOutputPadding());
    StringRef autoPad = op.getAutoPad();
    if (autoPad == "VALID") {
      pads.assign(2 * spatial, 0);
    } else if (autoPad != "NOTSET") {
      // SAME: output = input * stride; the importer normally resolves this.
      for (int64_t i = 0; i < spatial; ++i) {
        int64_t in = inputType.getDimSize(i + 2);
        int64_t total = strides[i] * (in - 1) + outputPadding[i] +
                        (kernel[i] - 1) * dilations[i] + 1 - in * strides[i];
        if (total < 0) {
          outputPadding[i] -= total;
          total = 0;
        }
        pads[i] = autoPad == "SAME_LOWER" ? total - total / 2 : total / 2;
        pads[i + spatial] = total - pads[i];
      }
    }

    SmallVector<int64_t> low(2, 0), high(2, 0), cropOffsets(2, 0);
    SmallVector<int64_t> dilatedShape(inputType.getShape());
    SmallVector<int64_t> convInputShape(inputType.getShape().take_front(2));
    bool needsCrop = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(i + 2);
      int64_t effectiveKernel = (kernel[i] - 1) * dilations[i] + 1;
      int64_t out = strides[i] * (in - 1) + outputPadding[i] + effectiveKernel - pads[i] -
                    pads[i + spatial];
      if (out != resultType.getDimSize(i + 2))
        return op.emitError() << "conv_transpose result " << resultType
                              << " does not match the attributes (spatial dimension " << i
                              << " should be " << out << ")";
      dilatedShape[i + 2] = (in - 1) * strides[i] + 1;
      int64_t padLow = effectiveKernel - 1 - pads[i];
      int64_t padHigh = effectiveKernel - 1 - pads[i + spatial] + outputPadding[i];
      // Pads larger than the kernel reach crop the zero-inserted input.
      low.push_back(std::max<int64_t>(padLow, 0));
      high.push_back(std::max<int64_t>(padHigh, 0));
      cropOffsets.push_back(std::max<int64_t>(-padLow, 0));
      needsCrop |= padLow < 0 || padHigh < 0;
      convInputShape.push_back(out + effectiveKernel - 1);
    }

    Value zero = createScalarConstant(rewriter, loc, elementType, 0);
    Value dilated = input;
    if (llvm::any_of(strides, [](int64_t s) { return s != 1; })) {
      Value zeros = createFilledTensor(
          rewriter, loc, RankedTensorType::get(dilatedShape, elementType), zero);
      SmallVector<int64_t> offsets(inputType.getRank(), 0);
      SmallVector<int64_t> insertStrides{1, 1};
      insertStrides.append(strides.begin(), strides.end());
      dilated = rewriter.create<tensor::InsertSliceOp>(
          loc, input, zeros, ValueRange{}, ValueRange{}, ValueRange{}, offsets,
          inputType.getShape(), insertStrides);
    }
    Value convInput = createPadded(rewriter, loc, dilated, low, high, zero);
    if (needsCrop) {
      SmallVector<int64_t> unitStrides(inputType.getRank(), 1);
      convInput = rewriter.create<tensor::ExtractSliceOp>(
          loc, RankedTensorType::get(convInputShape, elementType), convInput, ValueRange{},
          ValueRange{}, ValueRange{}, cropOffsets, convInputShape, unitStrides);
    }

    // weight C x M/G x K...  ->  G x C/G x M/G x K...  ->  (flip, swap)
    // G x M/G x C/G x K...  ->  M x C/G x K...
    auto groupedWeightType = splitGroups(weightType, 0, group);
    Value groupedWeight = createStaticReshape(rewriter, loc, weight, groupedWeightType);
    SmallVector<int64_t> flippedShape{group, perGroupOut, perGroupIn};
    flippedShape.append(kernel.begin(), kernel.end());
    auto flippedType = RankedTensorType::get(flippedShape, elementType);
    int64_t rank = static_cast<int64_t>(flippedShape.size());
    SmallVector<AffineExpr> readExprs{getAffineDimExpr(0, context),
                                      getAffineDimExpr(2, context),
                                      getAffineDimExpr(1, context)};
    for (int64_t i = 0; i < spatial; ++i)
      readExprs.push_back(kernel[i] - 1 - getAffineDimExpr(3 + i, context));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, readExprs, context),
                                rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value flipped =
        rewriter
            .create<linalg::GenericOp>(
                loc, TypeRange{flippedType}, ValueRange{groupedWeight},
                ValueRange{createEmptyTensor(rewriter, loc, flippedType)}, maps, iterators,
                [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                  nested.create<linalg::YieldOp>(nestedLoc, args[0]);
                })
            .getResult(0);
    SmallVector<int64_t> convWeightShape{group * perGroupOut, perGroupIn};
    convWeightShape.append(kernel.begin(), kernel.end());
    Value convWeight = createStaticReshape(
        rewriter, loc, flipped, RankedTensorType::get(convWeightShape, elementType));

    SmallVector<int64_t> unitStrides(spatial, 1);
    rewriter.replaceOp(op, createConvolution(rewriter, loc, convInput, convWeight,
                                             adaptor.getBias(), unitStrides, dilations, group,
                                             resultType));
    return success();
  }
};

} // namespace

void populateConvLoweringPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvTransposeLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
