//===- TensorLowering.cpp - graph-to-linalg patterns: data movement -------===//
//
// Shape queries, constant fills, reshapes, permutations, broadcasting,
// tiling, concatenation and splitting. Code generation is static-shape only,
// so every result type is fully known and authoritative: Reshape's target,
// Split's sizes or Tile's repeats need not be constants, their effect is read
// off the types. Slicing and padding live in PadSliceLowering.cpp, the gathers
// in GatherLowering.cpp.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/TensorPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include <cmath>

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Result type of `op` after type conversion, or an error at `op`.
RankedTensorType getConvertedResultType(const TypeConverter &converter, Operation *op,
                                        Type type) {
  auto converted = convertTensorType(converter, type);
  if (!converted)
    op->emitError() << "cannot lower result of type " << type;
  return converted;
}

Value createTranspose(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> perm) {
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(inputType.getDimSize(p));
  Value init = b.create<tensor::EmptyOp>(loc, shape, inputType.getElementType());
  return b.create<linalg::TransposeOp>(loc, input, init, perm)->getResult(0);
}

//===----------------------------------------------------------------------===//
// Shapes and constants
//===----------------------------------------------------------------------===//

struct ShapeLowering : OpConversionPattern<graph::ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    ArrayRef<int64_t> shape = op.getInput().getType().getShape();
    int64_t rank = static_cast<int64_t>(shape.size());
    auto clampDim = [&](int64_t v) {
      return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
    };
    int64_t start = clampDim(op.getStart());
    int64_t end = op.getEnd() ? clampDim(*op.getEnd()) : rank;
    SmallVector<int64_t> dims(shape.begin() + start,
                              shape.begin() + std::max(start, end));
    auto type = op.getType();
    if (type.getNumElements() != static_cast<int64_t>(dims.size()))
      return op.emitError() << "shape result " << type << " does not hold the "
                            << dims.size() << " requested dimensions";
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(type, ArrayRef<int64_t>(dims)));
    return success();
  }
};

struct SizeLowering : OpConversionPattern<graph::SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::SizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t count = op.getInput().getType().getNumElements();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(op.getType(), ArrayRef<int64_t>{count}));
    return success();
  }
};

/// The one element of ConstantOfShape's `value`, retyped to the converted
/// (signless) element type.
std::optional<TypedAttr> getFillValue(ElementsAttr value, Type elementType) {
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense || dense.getNumElements() != 1)
    return std::nullopt;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return FloatAttr::get(floatType, *dense.getValues<APFloat>().begin());
  if (auto intType = dyn_cast<IntegerType>(elementType))
    return IntegerAttr::get(intType, *dense.getValues<APInt>().begin());
  return std::nullopt;
}

/// The graph folder normally turns ConstantOfShape into a splat constant
/// before lowering; what reaches this pattern becomes a fill.
struct ConstantOfShapeLowering : OpConversionPattern<graph::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ConstantOfShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    auto fill = getFillValue(op.getValue(), type.getElementType());
    if (!fill)
      return op.emitError() << "unsupported constant_of_shape value " << op.getValue();
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Value scalar = rewriter.create<arith::ConstantOp>(op.getLoc(), *fill);
    rewriter.replaceOp(op, createFilledTensor(rewriter, op.getLoc(), type, scalar));
    return success();
  }
};

/// The element count of Range(start, limit, delta) when all three are
/// constants (ceil((limit - start) / delta), at least 0), else std::nullopt.
std::optional<int64_t> getConstantRangeLength(graph::RangeOp op) {
  if (isa<FloatType>(op.getStart().getType().getElementType())) {
    auto start = graph::getConstantFloatValues(op.getStart());
    auto limit = graph::getConstantFloatValues(op.getLimit());
    auto delta = graph::getConstantFloatValues(op.getDelta());
    if (!start || !limit || !delta)
      return std::nullopt;
    double count = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
    if (!std::isfinite(count))
      return -1;
    return static_cast<int64_t>(std::max(count, 0.0));
  }
  auto start = graph::getConstantIntValues(op.getStart());
  auto limit = graph::getConstantIntValues(op.getLimit());
  auto delta = graph::getConstantIntValues(op.getDelta());
  if (!start || !limit || !delta)
    return std::nullopt;
  if ((*delta)[0] == 0)
    return -1;
  return std::max<int64_t>(
      0, llvm::divideCeilSigned((*limit)[0] - (*start)[0], (*delta)[0]));
}

/// `output[i] = start + i * delta`, evaluated in the element type as ONNX
/// defines it. The length is the (static) result type's, so the bounds may be
/// computed at run time; constant ones only serve to check that length
/// (small constant ranges are folded to constants before lowering).
struct RangeLowering : OpConversionPattern<graph::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    if (auto length = getConstantRangeLength(op); length && *length != type.getDimSize(0))
      return op.emitError() << "range bounds give " << *length
                            << " elements but the result type is " << type;
    if (replaceIfNoElements(op, type, rewriter))
      return success();

    Type elementType = type.getElementType();
    Location loc = op.getLoc();
    Value start = extractOnlyElement(rewriter, loc, adaptor.getStart());
    Value delta = extractOnlyElement(rewriter, loc, adaptor.getDelta());
    Value init = createEmptyTensor(rewriter, loc, type);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(1)},
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          Value index = b.create<linalg::IndexOp>(nestedLoc, 0);
          Value step = b.create<arith::IndexCastOp>(nestedLoc, b.getI64Type(), index);
          Value value;
          if (isa<FloatType>(elementType)) {
            step = b.create<arith::SIToFPOp>(nestedLoc, elementType, step);
            value = b.create<arith::AddFOp>(
                nestedLoc, start, b.create<arith::MulFOp>(nestedLoc, step, delta));
          } else {
            step = castScalar(b, nestedLoc, step, elementType, false, false);
            value = b.create<arith::AddIOp>(
                nestedLoc, start, b.create<arith::MulIOp>(nestedLoc, step, delta));
          }
          b.create<linalg::YieldOp>(nestedLoc, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reshapes and permutations
//===----------------------------------------------------------------------===//

/// Reshape, Flatten, Squeeze and Unsqueeze only reinterpret the row-major
/// element order, so all become collapse/expand_shape to the result type.
template <typename OpTy> struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type =
        getConvertedResultType(*this->getTypeConverter(), op, op->getResult(0).getType());
    if (!type)
      return failure();
    Value input = adaptor.getOperands()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.getNumElements() != type.getNumElements())
      return op.emitError() << "cannot reshape " << inputType << " into " << type
                            << ": element counts differ";
    rewriter.replaceOp(op, createStaticReshape(rewriter, op.getLoc(), input, type));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<graph::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    ArrayRef<int64_t> perm = op.getPerm();
    bool identity = llvm::all_of(llvm::enumerate(perm), [](auto entry) {
      return static_cast<int64_t>(entry.index()) == entry.value();
    });
    if (identity) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    rewriter.replaceOp(op,
                       createTranspose(rewriter, op.getLoc(), adaptor.getInput(), perm));
    return success();
  }
};

/// Numpy broadcasting to the result shape as linalg.broadcast: input
/// dimensions of size 1 that stretch are first collapsed away, so the
/// broadcast only adds dimensions.
struct ExpandLowering : OpConversionPattern<graph::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    int64_t offset = rank - inputType.getRank();
    if (offset < 0)
      return op.emitError() << "cannot expand " << inputType << " to lower-rank " << type;
    SmallVector<int64_t> keptShape, addedDims;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t size = type.getDimSize(i);
      int64_t inputSize = i < offset ? 1 : inputType.getDimSize(i - offset);
      bool added = i < offset || (inputSize == 1 && size != 1);
      if (!added && inputSize != size)
        return op.emitError() << "input " << inputType << " does not broadcast to "
                              << type;
      if (added)
        addedDims.push_back(i);
      else
        keptShape.push_back(size);
    }
    if (addedDims.empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    Location loc = op.getLoc();
    Value kept = createStaticReshape(
        rewriter, loc, input, RankedTensorType::get(keptShape, type.getElementType()));
    Value init = createEmptyTensor(rewriter, loc, type);
    rewriter.replaceOp(
        op,
        rewriter.create<linalg::BroadcastOp>(loc, kept, init, addedDims)->getResult(0));
    return success();
  }
};

/// Tile as a broadcast into interleaved (repeat, size) dimensions followed by
/// a collapse of each pair: element (k, j) of a pair lands at k * size + j,
/// which is exactly where Tile puts copy k of input index j.
struct TileLowering : OpConversionPattern<graph::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.getRank() != type.getRank())
      return op.emitError() << "tile result " << type << " differs in rank from "
                            << inputType;
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    SmallVector<int64_t> interleavedShape, addedDims;
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      int64_t size = inputType.getDimSize(i), tiled = type.getDimSize(i);
      if (size == 0 || tiled % size != 0)
        return op.emitError() << "tile result " << type << " is not a multiple of "
                              << inputType << " in dimension " << i;
      ReassociationIndices group;
      if (tiled != size) {
        group.push_back(static_cast<int64_t>(interleavedShape.size()));
        addedDims.push_back(static_cast<int64_t>(interleavedShape.size()));
        interleavedShape.push_back(tiled / size);
      }
      group.push_back(static_cast<int64_t>(interleavedShape.size()));
      interleavedShape.push_back(size);
      groups.push_back(group);
    }
    if (addedDims.empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    Location loc = op.getLoc();
    auto interleavedType = RankedTensorType::get(interleavedShape, type.getElementType());
    Value init = createEmptyTensor(rewriter, loc, interleavedType);
    Value repeated =
        rewriter.create<linalg::BroadcastOp>(loc, input, init, addedDims)->getResult(0);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, repeated, groups);
    return success();
  }
};

/// DepthToSpace and SpaceToDepth are a reshape that splits channel or
/// spatial dimensions into blocks, a permutation of those blocks, and a
/// reshape that merges them again (the ONNX reference formulation).
Value createBlockPermutation(OpBuilder &b, Location loc, Value input,
                             ArrayRef<int64_t> blockedShape, ArrayRef<int64_t> perm,
                             RankedTensorType resultType) {
  auto elementType = resultType.getElementType();
  Value blocked = createStaticReshape(b, loc, input,
                                      RankedTensorType::get(blockedShape, elementType));
  Value permuted = createTranspose(b, loc, blocked, perm);
  return createStaticReshape(b, loc, permuted, resultType);
}

struct DepthToSpaceLowering : OpConversionPattern<graph::DepthToSpaceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::DepthToSpaceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    int64_t block = op.getBlocksize();
    int64_t n = in[0], c = in[1], h = in[2], w = in[3];
    if (c % (block * block) != 0 ||
        type.getShape() !=
            ArrayRef<int64_t>{n, c / (block * block), h * block, w * block})
      return op.emitError() << "depth_to_space result " << type
                            << " does not match blocksize " << block;
    int64_t depth = c / (block * block);
    Value result;
    if (op.getMode() == "DCR")
      result = createBlockPermutation(rewriter, op.getLoc(), adaptor.getInput(),
                                      {n, block, block, depth, h, w}, {0, 3, 4, 1, 5, 2},
                                      type);
    else if (op.getMode() == "CRD")
      result = createBlockPermutation(rewriter, op.getLoc(), adaptor.getInput(),
                                      {n, depth, block, block, h, w}, {0, 1, 4, 2, 5, 3},
                                      type);
    else
      return op.emitError() << "unsupported depth_to_space mode '" << op.getMode() << "'";
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SpaceToDepthLowering : OpConversionPattern<graph::SpaceToDepthOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::SpaceToDepthOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    int64_t block = op.getBlocksize();
    int64_t n = in[0], c = in[1], h = in[2], w = in[3];
    if (h % block != 0 || w % block != 0 ||
        type.getShape() != ArrayRef<int64_t>{n, c * block * block, h / block, w / block})
      return op.emitError() << "space_to_depth result " << type
                            << " does not match blocksize " << block;
    rewriter.replaceOp(op,
                       createBlockPermutation(rewriter, op.getLoc(), adaptor.getInput(),
                                              {n, c, h / block, block, w / block, block},
                                              {0, 3, 5, 1, 2, 4}, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Concatenation and splitting
//===----------------------------------------------------------------------===//

/// Each operand is inserted into its window of the result.
struct ConcatLowering : OpConversionPattern<graph::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = getConvertedResultType(*getTypeConverter(), op, op.getType());
    if (!type)
      return failure();
    int64_t axis = op.getAxis();
    int64_t total = 0;
    for (Value input : adaptor.getInputs())
      total += cast<RankedTensorType>(input.getType()).getDimSize(axis);
    if (total != type.getDimSize(axis))
      return op.emitError() << "concatenated operands span " << total << " along axis "
                            << axis << " but the result is " << type;
    if (adaptor.getInputs().size() == 1) {
      rewriter.replaceOp(op, adaptor.getInputs().front());
      return success();
    }
    if (replaceIfNoElements(op, type, rewriter))
      return success();

    Location loc = op.getLoc();
    Value result = createEmptyTensor(rewriter, loc, type);
    SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      if (inputType.getDimSize(axis) == 0)
        continue;
      result = rewriter.create<tensor::InsertSliceOp>(
          loc, input, result, indexAttrs(rewriter, offsets),
          indexAttrs(rewriter, inputType.getShape()), indexAttrs(rewriter, strides));
      offsets[axis] += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Each result is the next window along the axis; the windows' sizes are the
/// result types' (which the verifier ties to the constant `split` sizes).
struct SplitLowering : OpConversionPattern<graph::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t axis = op.getAxis();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<RankedTensorType> types;
    int64_t total = 0;
    for (Value output : op.getOutputs()) {
      auto type = getConvertedResultType(*getTypeConverter(), op, output.getType());
      if (!type)
        return failure();
      types.push_back(type);
      total += type.getDimSize(axis);
    }
    if (total != inputType.getDimSize(axis))
      return op.emitError() << "split results span " << total << " along axis " << axis
                            << " but the input is " << inputType;

    Location loc = op.getLoc();
    SmallVector<Value> results;
    SmallVector<int64_t> offsets(inputType.getRank(), 0), strides(inputType.getRank(), 1);
    for (RankedTensorType type : types) {
      if (type.getNumElements() == 0)
        results.push_back(createEmptyTensor(rewriter, loc, type));
      else
        results.push_back(rewriter.create<tensor::ExtractSliceOp>(
            loc, type, input, indexAttrs(rewriter, offsets),
            indexAttrs(rewriter, type.getShape()), indexAttrs(rewriter, strides)));
      offsets[axis] += type.getDimSize(axis);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateTensorLoweringPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns
      .add<ShapeLowering, SizeLowering, ConstantOfShapeLowering, RangeLowering,
           ReshapeLikeLowering<graph::ReshapeOp>, ReshapeLikeLowering<graph::FlattenOp>,
           ReshapeLikeLowering<graph::SqueezeOp>, ReshapeLikeLowering<graph::UnsqueezeOp>,
           TransposeLowering, ExpandLowering, TileLowering, DepthToSpaceLowering,
           SpaceToDepthLowering, ConcatLowering, SplitLowering>(converter, context);
  populatePadSliceLoweringPatterns(converter, patterns);
  populateGatherLoweringPatterns(converter, patterns);
}

} // namespace kiln::codegen
