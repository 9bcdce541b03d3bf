//===- TileAndVectorize.cpp - register-tiled, vectorized contractions ------===//
//
// Matrix products (linalg.matmul, batch_matmul, transposed variants and the
// generics that elementwise fusion and reshape propagation turn them into)
// become a parallel loop over register tiles of the output, a loop over the
// reduction dimension, and one vector outer product per reduction step whose
// accumulator stays in registers. The tile shape comes from the target's
// vector width and register count.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/TileShapes.h"
#include "codegen/TileUnitLoops.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The loops of a kernel and the register tile chosen for them.
struct ContractionPlan {
  /// Convolutions are decomposed to 1-D convolutions and vectorized by
  /// linalg's convolution vectorizer; contractions by the generic one.
  bool convolution = false;
  /// Order of the tile loops (empty: the op's loop order).
  SmallVector<int64_t> interchange;
  SmallVector<int64_t> parallelTile; // per loop; 0 for reduction loops
  SmallVector<int64_t> reductionTile; // per loop; 0 for parallel loops
  SmallVector<unsigned> reductionDims;
  /// The loop of the register tile's rows (matrix products).
  unsigned rowLoop = 0;
};

/// A contraction kiln knows how to register-tile: f32, static shapes, and
/// an output whose innermost dimension is one of the `n` loops (so a row of
/// the register tile is contiguous in memory).
std::optional<ContractionPlan> planContraction(linalg::LinalgOp op,
                                               const TargetVectorShape &target) {
  if (op.hasDynamicShape() || op->getNumResults() != 1 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.getElementType().isF32())
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outputMap.getNumResults() == 0)
    return std::nullopt;
  auto innermost = dyn_cast<AffineDimExpr>(outputMap.getResults().back());
  if (!innermost || !llvm::is_contained(dims->n, innermost.getPosition()))
    return std::nullopt;
  unsigned nDim = innermost.getPosition();
  // The largest m loop carries the rows of the register tile.
  unsigned mDim = dims->m.front();
  for (unsigned m : dims->m)
    if (ranges[m] > ranges[mDim])
      mDim = m;

  RegisterTile tile = chooseMatmulRegisterTile(ranges[mDim], ranges[nDim], target);
  if (tile.rows == 0)
    return std::nullopt;
  ContractionPlan plan;
  plan.parallelTile.assign(op.getNumLoops(), 1);
  plan.reductionTile.assign(op.getNumLoops(), 0);
  for (unsigned k : dims->k) {
    plan.parallelTile[k] = 0;
    plan.reductionTile[k] = 1;
    plan.reductionDims.push_back(k);
  }
  plan.parallelTile[mDim] = tile.rows;
  plan.parallelTile[nDim] = tile.columns;
  plan.rowLoop = mDim;
  // Batches, then column blocks, then row blocks: the K x columns panel of
  // the right-hand side (the weights, in a model) stays in L2 while every
  // row block streams past it, instead of the whole right-hand side
  // streaming from L3 once per row block. Column loops go in the order the
  // output stores them (a packed product's panel loop before its column
  // loop).
  SmallVector<unsigned> columnLoops;
  for (AffineExpr result : outputMap.getResults())
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      if (llvm::is_contained(dims->n, dim.getPosition()))
        columnLoops.push_back(dim.getPosition());
  for (ArrayRef<unsigned> group :
       {ArrayRef<unsigned>(dims->batch), ArrayRef<unsigned>(columnLoops),
        ArrayRef<unsigned>(dims->m), ArrayRef<unsigned>(dims->k)})
    for (unsigned loop : group)
      if (!llvm::is_contained(plan.interchange, loop))
        plan.interchange.push_back(loop);
  if (plan.interchange.size() != op.getNumLoops())
    plan.interchange.clear(); // A loop in no group: keep the op's order.
  return plan;
}

/// Convolutions in channels-last layout (see kiln-convert-conv-layout):
/// loops (n, oh, ow, f, kh, kw, c) for conv_2d_nhwc_hwcf and
/// (n, oh, ow, c, kh, kw) for depthwise_conv_2d_nhwc_hwc. The register tile
/// is a run of output pixels along a row by a run of output channels (whole
/// vectors); the reduction steps over filter rows and blocks of input
/// channels, the filter columns unrolled inside the step.
std::optional<ContractionPlan> planConvolution(linalg::LinalgOp op,
                                               const TargetVectorShape &target) {
  // Depthwise convolutions and pooling have the same loops: one output
  // channel per input channel, no channel reduction.
  bool depthwise = isa<linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcMaxOp,
                       linalg::PoolingNhwcSumOp>(op.getOperation());
  if (!depthwise && !isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation()))
    return std::nullopt;
  if (op.hasDynamicShape() || !cast<ShapedType>(op->getResult(0).getType())
                                   .getElementType()
                                   .isF32())
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t outputWidth = ranges[2], channels = ranges[3];
  RegisterTile tile = chooseMatmulRegisterTile(outputWidth, channels, target);
  if (tile.rows == 0)
    return std::nullopt;
  // Wider output-pixel runs than the matmul's 8 rows: each loaded filter
  // vector is reused across the run, and the input values are broadcast
  // straight from memory.
  int64_t vectorsPerRow = std::max<int64_t>(1, tile.columns / target.lanes());
  int64_t maxPixels = std::max<int64_t>(
      1, std::min<int64_t>(14, (int64_t(target.vectorRegisters) - 4) / vectorsPerRow));
  int64_t pixels = 1;
  for (int64_t candidate = std::min(maxPixels, outputWidth); candidate >= 1; --candidate)
    if (outputWidth % candidate == 0) {
      pixels = candidate;
      break;
    }
  ContractionPlan plan;
  plan.convolution = true;
  plan.parallelTile.assign(op.getNumLoops(), 0);
  plan.reductionTile.assign(op.getNumLoops(), 0);
  plan.parallelTile[0] = 1; // n
  plan.parallelTile[1] = 1; // oh
  plan.parallelTile[2] = pixels;
  plan.parallelTile[3] = tile.columns;
  plan.reductionTile[4] = 1; // kh; kw (5) stays whole
  plan.reductionDims = {4, 5};
  // Full convolutions: output-channel blocks outermost, so one block of the
  // filter stays in the caches while every output pixel uses it. Depthwise
  // convolutions and pooling have a filter of a few KB at most: pixels
  // outermost and the channel blocks of a pixel run back to back, so each
  // row of the activations is read as one contiguous stream (and threads
  // share out whole rows, not interleaved cache lines of the same pixels).
  if (!depthwise) {
    for (int64_t loop : {3, 0, 1, 2})
      plan.interchange.push_back(loop);
    for (int64_t loop = 4; loop < op.getNumLoops(); ++loop)
      plan.interchange.push_back(loop);
  }
  if (!depthwise) {
    int64_t inputChannels = ranges[6], block = 1;
    for (int64_t candidate = std::min<int64_t>(8, inputChannels); candidate >= 1; --candidate)
      if (inputChannels % candidate == 0) {
        block = candidate;
        break;
      }
    plan.reductionTile[6] = block;
    plan.reductionDims.push_back(6);
  }
  return plan;
}

/// A generic that only broadcasts its one input along leading dimensions
/// (a bias) or yields a constant, with no other work: cheap to recompute
/// per tile. Returns the broadcast input (null for a constant).
std::optional<Value> getBroadcastSource(linalg::GenericOp generic) {
  if (generic.getNumDpsInits() != 1 || generic.getNumDpsInputs() > 1 ||
      generic.getNumLoops() != generic.getNumParallelLoops())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  if (generic.getBody()->getOperations().size() != 1 || yield.getNumOperands() != 1)
    return std::nullopt;
  Value yielded = yield.getOperand(0);
  if (generic.getNumDpsInputs() == 0) {
    if (yielded.getParentBlock() == generic.getBody())
      return std::nullopt; // The output's own value.
    return Value();
  }
  if (yielded != generic.getBody()->getArgument(0))
    return std::nullopt;
  // The input must be the output's last dimension (a per-channel vector),
  // possibly with unit dimensions read at 0 (an NCHW bias of shape Cx1x1).
  AffineMap map = generic.getMatchingIndexingMap(generic.getDpsInputOperand(0));
  auto inputType = dyn_cast<RankedTensorType>(generic.getDpsInputs()[0].getType());
  unsigned last = generic.getNumLoops() - 1;
  if (!inputType || !inputType.hasStaticShape())
    return std::nullopt;
  int64_t channelResults = 0;
  for (auto [dim, result] : llvm::enumerate(map.getResults())) {
    if (result == getAffineDimExpr(last, map.getContext())) {
      ++channelResults;
      continue;
    }
    auto constant = dyn_cast<AffineConstantExpr>(result);
    if (!constant || constant.getValue() != 0 || inputType.getDimSize(dim) != 1)
      return std::nullopt;
  }
  if (channelResults != 1)
    return std::nullopt;
  return generic.getDpsInputs()[0];
}

/// When the accumulator's start value is a fill or a per-channel broadcast
/// seen through reshapes (a convolution's bias after kiln-convert-conv-to-gemm
/// and kiln-pack-matmul-weights), produces it again directly in the
/// accumulator's shape. Tiling can then fuse it into each tile, where it
/// becomes the registers' first value instead of a pass over memory that
/// the tile reads back. The rebuilt start value takes the kernel's
/// location: the one it replaces may be shared (CSE merges equal biases of
/// several convolutions, and their locations). Returns the new producer, or
/// null.
Operation *rebuildInitInShape(RewriterBase &rewriter, linalg::LinalgOp op) {
  OpOperand *init = op.getDpsInitOperand(0);
  Value source = init->get();
  bool reshaped = false;
  // Through reshapes and row slices (a chunk of a product's rows, see
  // kiln-convert-conv-to-gemm) that keep the channels whole and last.
  while (Operation *producer = source.getDefiningOp()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(producer)) {
      int64_t last = slice.getSourceType().getRank() - 1;
      if (slice.getSourceType().getRank() != slice.getResultType().getRank() ||
          !slice.hasUnitStride() || slice.getStaticOffsets()[last] != 0 ||
          slice.getStaticSizes()[last] != slice.getSourceType().getDimSize(last))
        break;
    } else if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(producer)) {
      break;
    }
    source = producer->getOperand(0);
    reshaped = true;
  }
  auto initType = cast<RankedTensorType>(init->get().getType());
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // A start value shared with other kernels (CSE merges equal fills and
  // bias broadcasts) is rebuilt for this one: fusion leaves a producer with
  // other users in memory.
  if (auto fill = source.getDefiningOp<linalg::FillOp>()) {
    if (!reshaped && fill->hasOneUse())
      return fill;
    Value empty = rewriter.create<tensor::EmptyOp>(loc, initType.getShape(),
                                                   initType.getElementType());
    auto newFill = rewriter.create<linalg::FillOp>(loc, fill.getInputs()[0], empty);
    rewriter.modifyOpInPlace(op, [&] { init->set(newFill.getResult(0)); });
    return newFill;
  }
  auto generic = source.getDefiningOp<linalg::GenericOp>();
  if (!generic)
    return nullptr;
  std::optional<Value> bias = getBroadcastSource(generic);
  if (!bias)
    return nullptr;
  if (!reshaped) {
    if (generic->hasOneUse())
      return generic;
    Operation *copy = rewriter.clone(*generic);
    copy->setLoc(loc);
    rewriter.modifyOpInPlace(op, [&] { init->set(copy->getResult(0)); });
    return copy;
  }
  // The reshapes keep the channels last: split them as the accumulator does.
  auto sourceType = cast<RankedTensorType>(source.getType());
  int64_t channels = sourceType.getShape().back();
  int64_t rank = initType.getRank(), splitRank = 0, product = 1;
  while (product < channels && splitRank < rank)
    product *= initType.getDimSize(rank - 1 - splitRank++);
  if (product != channels || !initType.hasStaticShape())
    return nullptr;
  MLIRContext *context = rewriter.getContext();
  SmallVector<AffineExpr> channelExprs;
  for (int64_t d = rank - splitRank; d < rank; ++d)
    channelExprs.push_back(getAffineDimExpr(d, context));
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (*bias) {
    Value channelsInShape = *bias;
    auto biasType = cast<RankedTensorType>(channelsInShape.getType());
    if (biasType.getRank() != 1) {
      // Cx1x1 as C.
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < biasType.getRank(); ++d)
        all[0].push_back(d);
      channelsInShape = rewriter.create<tensor::CollapseShapeOp>(loc, channelsInShape, all);
    }
    if (splitRank > 1) {
      SmallVector<int64_t> splitShape(initType.getShape().take_back(splitRank));
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < splitRank; ++d)
        all[0].push_back(d);
      channelsInShape = rewriter.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get(splitShape, initType.getElementType()), channelsInShape,
          all);
    }
    inputs.push_back(channelsInShape);
    maps.push_back(AffineMap::get(rank, 0, channelExprs, context));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, context));
  Value empty =
      rewriter.create<tensor::EmptyOp>(loc, initType.getShape(), initType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto rebuilt = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{initType}, inputs, ValueRange{empty}, maps, iterators);
  rewriter.cloneRegionBefore(generic.getRegion(), rebuilt.getRegion(), rebuilt.getRegion().end());
  rewriter.modifyOpInPlace(op, [&] { init->set(rebuilt.getResult(0)); });
  return rebuilt;
}

/// The elementwise op that consumes `result` as its only use, in the same
/// iteration space: an all-parallel generic with one output, reading
/// `result` once through an identity map and writing through one, whose
/// other inputs are read through identity maps or are scalars. An
/// activation or a residual addition after a matrix product or a
/// convolution; applied to the accumulator in registers, it saves a pass
/// over the output.
linalg::GenericOp getFusibleEpilogue(Value result) {
  if (!result.hasOneUse())
    return nullptr;
  OpOperand &use = *result.use_begin();
  auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!consumer || consumer.getNumDpsInits() != 1 || consumer->getNumResults() != 1 ||
      consumer.getNumLoops() != consumer.getNumParallelLoops() ||
      !consumer.isDpsInput(&use) || consumer.hasDynamicShape())
    return nullptr;
  auto identity = [](AffineMap map) { return map.isIdentity(); };
  if (!identity(consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0))) ||
      !identity(consumer.getMatchingIndexingMap(&use)) ||
      consumer.getResult(0).getType() != result.getType())
    return nullptr;
  // The tile of the result is overwritten with the consumer's value: the
  // consumer must not read its output's previous contents.
  if (consumer.payloadUsesValueFromOperand(consumer.getDpsInitOperand(0)))
    return nullptr;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input == &use)
      continue;
    if (input->get() == result)
      return nullptr;
    AffineMap map = consumer.getMatchingIndexingMap(input);
    if (!identity(map) && map.getNumResults() != 0)
      return nullptr;
  }
  return consumer;
}

/// `value` (static shape) reshaped to `shape`, which has as many elements:
/// collapsed to one dimension and expanded again, a view of the same
/// buffer after bufferization.
Value reshapeTo(OpBuilder &builder, Location loc, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto all = [](int64_t rank) {
    SmallVector<ReassociationIndices> reassociation(1);
    for (int64_t d = 0; d < rank; ++d)
      reassociation[0].push_back(d);
    return reassociation;
  };
  if (type.getRank() != 1)
    value = builder.create<tensor::CollapseShapeOp>(loc, value, all(type.getRank()));
  if (shape.size() != 1)
    value = builder.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get(shape, type.getElementType()), value, all(shape.size()));
  return value;
}

/// The end of `value`'s chain of single-use reshapes (collapse and expand
/// shape): the same elements in the shape their user reads them; `value`
/// itself when no reshape follows it.
Value followReshapes(Value value) {
  while (value.hasOneUse() &&
         isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(*value.user_begin()))
    value = value.user_begin()->getResult(0);
  return value;
}

/// The elementwise consumer of a product seen through reshapes (see
/// getFusibleEpilogue), when its result is an image padded for the next
/// convolution: that image's width. 0 otherwise.
int64_t getPaddedEpilogueWidth(Value result) {
  Value reshaped = followReshapes(result);
  linalg::GenericOp consumer = reshaped != result ? getFusibleEpilogue(reshaped) : nullptr;
  if (!consumer)
    return 0;
  auto imageType = cast<RankedTensorType>(consumer->getResult(0).getType());
  if (imageType.getRank() != 4 ||
      llvm::none_of(consumer->getUsers(), [](Operation *user) { return isa<tensor::PadOp>(user); }))
    return 0;
  return imageType.getDimSize(2);
}

/// A matrix product's result reaches its activation through reshapes (the
/// conv-as-GEMM's [pixels][panel][column] view back to NHWC): restates the
/// activation in the product's shape, so that it consumes the product
/// directly and can be fused into its tiles. Identity-mapped operands are
/// reshaped alike (views), scalars stay. An activation whose result is
/// padded is taken only when the tiles (of `tileRows` pixels) can then be
/// written into the padded image (see writeTilesInImageLayout); otherwise
/// kiln-pad-in-place lets the activation write into the padded buffer's
/// interior, which the product's [pixels][panel][column] tiles could not.
void alignEpilogueWithKernel(RewriterBase &rewriter, linalg::LinalgOp op, int64_t tileRows) {
  Value result = op->getResult(0);
  Value reshaped = followReshapes(result);
  if (reshaped == result)
    return;
  linalg::GenericOp consumer = getFusibleEpilogue(reshaped);
  if (!consumer || !cast<RankedTensorType>(result.getType()).hasStaticShape())
    return;
  // A padded epilogue is taken only when the tiles can then be written
  // into the padded image (writeTilesInImageLayout): products in their
  // packed [pixels][panel][column] form, image rows a multiple of the tile.
  if (llvm::any_of(consumer->getUsers(), [](Operation *user) { return isa<tensor::PadOp>(user); })) {
    int64_t width = getPaddedEpilogueWidth(result);
    if (!tileRows || cast<RankedTensorType>(result.getType()).getRank() != 3 || !width ||
        width % tileRows != 0)
      return;
  }
  ArrayRef<int64_t> shape = cast<RankedTensorType>(result.getType()).getShape();
  MLIRContext *context = rewriter.getContext();
  Location loc = consumer.getLoc();
  rewriter.setInsertionPoint(consumer);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  AffineMap identity = AffineMap::getMultiDimIdentityMap(shape.size(), context);
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get() == reshaped) {
      inputs.push_back(result);
      maps.push_back(identity);
    } else if (consumer.getMatchingIndexingMap(input).getNumResults() == 0) {
      inputs.push_back(input->get());
      maps.push_back(AffineMap::get(shape.size(), 0, context));
    } else {
      inputs.push_back(reshapeTo(rewriter, loc, input->get(), shape));
      maps.push_back(identity);
    }
  }
  maps.push_back(identity);
  Type elementType = cast<RankedTensorType>(result.getType()).getElementType();
  Value empty = rewriter.create<tensor::EmptyOp>(loc, shape, elementType);
  SmallVector<utils::IteratorType> iterators(shape.size(), utils::IteratorType::parallel);
  auto aligned = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{result.getType()}, inputs, ValueRange{empty}, maps, iterators);
  rewriter.cloneRegionBefore(consumer.getRegion(), aligned.getRegion(), aligned.getRegion().end());
  Value back = reshapeTo(rewriter, loc, aligned.getResult(0),
                         cast<RankedTensorType>(consumer->getResult(0).getType()).getShape());
  rewriter.replaceOp(consumer, back);
  // The old reshape chain is dead; the product must have one use again.
  while (reshaped != result && reshaped.use_empty()) {
    Operation *reshape = reshaped.getDefiningOp();
    reshaped = reshape->getOperand(0);
    rewriter.eraseOp(reshape);
  }
}

/// The channels-last image a product's [pixels][panel][column] result is
/// reshaped into before it is padded (the input of the next convolution):
/// the end of the result's chain of reshapes, when it is [1][H][W][F] with
/// H * W pixels and a tensor.pad among its users. Null otherwise.
Value getPaddedImageView(Value result) {
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type || type.getRank() != 3 || !type.hasStaticShape())
    return nullptr;
  Value view = followReshapes(result);
  auto image = dyn_cast<RankedTensorType>(view.getType());
  if (view == result || !image || image.getRank() != 4 || image.getDimSize(0) != 1 ||
      image.getDimSize(1) * image.getDimSize(2) != type.getDimSize(0) ||
      image.getDimSize(3) != type.getDimSize(1) * type.getDimSize(2) ||
      llvm::none_of(view.getUsers(), [](Operation *user) { return isa<tensor::PadOp>(user); }))
    return nullptr;
  return view;
}

/// A tiled product whose result ([pixels][panel][column]) is reshaped into
/// a channels-last image and padded: makes the loop produce the image
/// itself, each tile (a run of `rows` pixels of one image row by one
/// column panel) written at (pixel / W, pixel % W, panel * columns). The
/// loop then writes into the padded buffer's interior (kiln-pad-in-place),
/// with its epilogue (the activation before the padding) applied on the
/// way: no separate activation pass and no copy.
void writeTilesInImageLayout(RewriterBase &rewriter, scf::ForallOp loop) {
  if (loop->getNumResults() != 1 || !loop.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
    return;
  Value view = getPaddedImageView(loop->getResult(0));
  if (!view)
    return;
  auto tileType = cast<RankedTensorType>(loop->getResult(0).getType());
  auto imageType = cast<RankedTensorType>(view.getType());
  int64_t width = imageType.getDimSize(2), columns = tileType.getDimSize(2);
  BlockArgument output = loop.getRegionIterArgs()[0];
  // Every access to the output is a [rows][1][columns] slice at (pixel,
  // panel, 0), its pixel a loop index stepping by a divisor of W.
  auto isSupportedSlice = [&](OffsetSizeAndStrideOpInterface slice) {
    ArrayRef<int64_t> sizes = slice.getStaticSizes();
    if (sizes.size() != 3 || sizes[1] != 1 || sizes[2] != columns || sizes[0] < 1 ||
        width % sizes[0] != 0 || !isConstantIntValue(slice.getMixedOffsets()[2], 0) ||
        !slice.hasUnitStride())
      return false;
    auto pixel = dyn_cast<BlockArgument>(slice.getMixedOffsets()[0].dyn_cast<Value>());
    if (!pixel || pixel.getOwner() != loop.getBody())
      return false;
    unsigned index = pixel.getArgNumber();
    std::optional<int64_t> lower = getConstantIntValue(loop.getMixedLowerBound()[index]);
    std::optional<int64_t> step = getConstantIntValue(loop.getMixedStep()[index]);
    return lower && step && *lower == 0 && *step % sizes[0] == 0;
  };
  // The tile itself is [rows][1][columns] or, rank-reduced, [rows][columns]:
  // the two forms rewritten below.
  auto isTileType = [&](Type type, int64_t rows) {
    auto tile = cast<RankedTensorType>(type);
    return tile.getShape() == ArrayRef<int64_t>{rows, 1, columns} ||
           tile.getShape() == ArrayRef<int64_t>{rows, columns};
  };
  tensor::ParallelInsertSliceOp insert;
  SmallVector<tensor::ExtractSliceOp> extracts;
  for (OpOperand &use : output.getUses()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(use.getOwner())) {
      if (!isSupportedSlice(slice) ||
          !isTileType(slice.getResultType(), slice.getStaticSizes()[0]))
        return;
      extracts.push_back(slice);
    } else if (auto parallel = dyn_cast<tensor::ParallelInsertSliceOp>(use.getOwner())) {
      if (insert || parallel.getDest() != output || !isSupportedSlice(parallel) ||
          !isTileType(parallel.getSourceType(), parallel.getStaticSizes()[0]))
        return;
      insert = parallel;
    } else {
      return;
    }
  }
  if (!insert)
    return;

  MLIRContext *context = rewriter.getContext();
  Location loc = loop.getLoc();
  AffineExpr d0 = getAffineDimExpr(0, context);
  // (pixel, panel) -> image offsets [0, pixel / W, pixel % W, panel * columns].
  auto imageOffsets = [&](OffsetSizeAndStrideOpInterface slice) {
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> result{rewriter.getIndexAttr(0)};
    result.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, AffineMap::get(1, 0, d0.floorDiv(width)), {offsets[0]}));
    result.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, AffineMap::get(1, 0, d0 % width), {offsets[0]}));
    result.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, AffineMap::get(1, 0, d0 * columns), {offsets[1]}));
    return result;
  };
  auto imageSizes = [&](int64_t rows) {
    return SmallVector<OpFoldResult>{rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
                                     rewriter.getIndexAttr(rows), rewriter.getIndexAttr(columns)};
  };
  SmallVector<OpFoldResult> unitStrides(4, rewriter.getIndexAttr(1));
  SmallVector<ReassociationIndices> rowsAndColumns{{0, 1}, {2}};

  // The loop now produces (and its body sees) the image.
  rewriter.setInsertionPoint(loop);
  Value image = rewriter.create<tensor::EmptyOp>(loc, imageType.getShape(),
                                                 imageType.getElementType());
  rewriter.modifyOpInPlace(loop, [&] {
    loop.getOutputsMutable()[0].set(image);
    output.setType(imageType);
    loop->getResult(0).setType(imageType);
  });
  for (tensor::ExtractSliceOp slice : extracts) {
    rewriter.setInsertionPoint(slice);
    int64_t rows = slice.getStaticSizes()[0];
    auto rowType = RankedTensorType::get({rows, columns}, imageType.getElementType());
    Value tile = rewriter.create<tensor::ExtractSliceOp>(loc, rowType, output, imageOffsets(slice),
                                                         imageSizes(rows), unitStrides);
    if (slice.getResultType().getRank() == 3)
      tile = rewriter.create<tensor::ExpandShapeOp>(loc, slice.getResultType(), tile,
                                                    rowsAndColumns);
    rewriter.replaceOp(slice, tile);
  }
  rewriter.setInsertionPoint(loop.getTerminator());
  int64_t rows = insert.getStaticSizes()[0];
  Value source = insert.getSource();
  if (cast<RankedTensorType>(source.getType()).getRank() == 3)
    source = rewriter.create<tensor::CollapseShapeOp>(loc, source, rowsAndColumns);
  SmallVector<OpFoldResult> offsets = imageOffsets(insert);
  rewriter.setInsertionPoint(insert);
  rewriter.replaceOpWithNewOp<tensor::ParallelInsertSliceOp>(insert, source, output, offsets,
                                                             imageSizes(rows), unitStrides);
  // The reshapes to the image are the loop's result now.
  rewriter.replaceAllUsesWith(view, loop->getResult(0));
  while (view != loop->getResult(0)) {
    Operation *reshape = view.getDefiningOp();
    view = reshape->getOperand(0);
    rewriter.eraseOp(reshape);
  }
}

/// Fuses the epilogue of a tiled kernel (see getFusibleEpilogue) into its
/// parallel loop: each tile computes the consumer's tile from the kernel's
/// tile, and the kernel's tile is written into the consumer's output, which
/// the loop then returns alone. Returns the fused consumer tile, to be
/// vectorized with the kernel, or null when nothing was fused.
linalg::GenericOp fuseEpilogue(RewriterBase &rewriter, scf::ForallOp loop) {
  // The kernel's tiles must not read their output's previous contents
  // (the accumulator's start value is computed in the tile), since they
  // will be written into the consumer's output instead.
  if (loop->getNumResults() != 1 || !getFusibleEpilogue(loop->getResult(0)) ||
      !loop.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
    return nullptr;
  SmallVector<Operation *> inserts = llvm::to_vector(
      llvm::map_range(loop.getTerminator().getYieldingOps(), [](Operation &op) { return &op; }));
  if (inserts.size() != 1)
    return nullptr;
  Operation *consumer = loop->getResult(0).use_begin()->getOwner();
  FailureOr<scf::SCFFuseConsumerOfSliceResult> fused =
      scf::tileAndFuseConsumerOfSlice(rewriter, inserts.front());
  if (failed(fused))
    return nullptr;
  if (consumer->use_empty())
    rewriter.eraseOp(consumer);
  auto tiledConsumer = dyn_cast<linalg::GenericOp>(fused->tiledOps.front());
  auto fusedLoop = tiledConsumer ? tiledConsumer->getParentOfType<scf::ForallOp>() : nullptr;
  if (!fusedLoop || fusedLoop->getNumResults() != 2 || !fusedLoop->getResult(0).use_empty())
    return tiledConsumer;
  // The kernel's tile goes to the consumer's output: replace the kernel's
  // own output everywhere but in its (now unused) parallel insert, which
  // the loop's canonicalization drops with the unused result.
  BlockArgument kernelOut = fusedLoop.getRegionIterArgs()[0];
  BlockArgument epilogueOut = fusedLoop.getRegionIterArgs()[1];
  rewriter.replaceUsesWithIf(kernelOut, epilogueOut, [&](OpOperand &operand) {
    return !isa<tensor::ParallelInsertSliceOp>(operand.getOwner());
  });
  return tiledConsumer;
}

/// A product tiled inside a loop over chunks of rows (see
/// kiln-convert-conv-to-gemm) computes into a fresh tensor that the loop
/// then inserts into its result. Bufferization cannot see through the
/// reshape between the two and would copy every chunk: the tiled loop
/// writes straight into its chunk of the loop's result instead.
void writeChunkInPlace(RewriterBase &rewriter, scf::ForallOp loop) {
  auto chunks = dyn_cast<scf::ForOp>(loop->getParentOp());
  if (!chunks || !chunks->hasAttr(kRowChunksAttrName) || loop->getNumResults() != 1 ||
      !loop.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
    return;
  Value chunk = followReshapes(loop->getResult(0));
  if (!chunk.hasOneUse())
    return;
  auto insert = dyn_cast<tensor::InsertSliceOp>(*chunk.user_begin());
  auto carried = insert ? dyn_cast<BlockArgument>(insert.getDest()) : nullptr;
  if (!carried || carried.getOwner() != chunks.getBody() ||
      insert.getSourceType().getRank() != insert.getDestType().getRank())
    return;
  rewriter.setInsertionPoint(loop);
  Value slice = rewriter.create<tensor::ExtractSliceOp>(
      loop.getLoc(), insert.getSourceType(), carried, insert.getMixedOffsets(),
      insert.getMixedSizes(), insert.getMixedStrides());
  Value destination = reshapeTo(rewriter, loop.getLoc(), slice,
                                cast<RankedTensorType>(loop->getResult(0).getType()).getShape());
  rewriter.modifyOpInPlace(loop, [&] { loop.getOutputsMutable()[0].set(destination); });
}

SmallVector<OpFoldResult> asIndexAttrs(MLIRContext *context, ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> result;
  for (int64_t value : values)
    result.push_back(IntegerAttr::get(IndexType::get(context), value));
  return result;
}

/// Tiles `op` into a parallel loop over register tiles and an inner loop over
/// the reduction, drops the tile's unit loops except the reduction step, and
/// vectorizes it.
LogicalResult tileAndVectorizeContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                                          ContractionPlan plan,
                                          SmallVectorImpl<Operation *> &reductionLoops,
                                          SmallVectorImpl<linalg::GenericOp> &epilogues) {
  MLIRContext *context = op->getContext();
  // A product whose activation is padded for the next convolution writes
  // whole tiles into image rows: its tile rows must divide the image width.
  int64_t tileRows = plan.convolution ? 0 : plan.parallelTile[plan.rowLoop];
  if (int64_t width = tileRows ? getPaddedEpilogueWidth(op->getResult(0)) : 0) {
    while (tileRows > 1 && width % tileRows != 0)
      --tileRows;
    plan.parallelTile[plan.rowLoop] = tileRows;
  }
  alignEpilogueWithKernel(rewriter, op, tileRows);
  Operation *initProducer = rebuildInitInShape(rewriter, op);
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions outer;
  outer.setTileSizes(asIndexAttrs(context, plan.parallelTile));
  outer.setLoopType(isInParallelTile(op) ? scf::SCFTilingOptions::LoopType::ForOp
                                          : scf::SCFTilingOptions::LoopType::ForallOp);
  if (!plan.interchange.empty())
    outer.setInterchange(plan.interchange);
  scf::SCFTileAndFuseOptions fusion;
  fusion.setTilingOptions(outer);
  fusion.setFusionControlFn([&](tensor::ExtractSliceOp, OpResult producer, bool) {
    return std::make_tuple(initProducer && producer.getOwner() == initProducer, false);
  });
  FailureOr<scf::SCFTileAndFuseResult> tiles = scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), fusion);
  if (failed(tiles))
    return failure();
  for (OpResult result : op->getResults())
    if (Value replacement = tiles->replacements.lookup(result))
      rewriter.replaceAllUsesWith(result, replacement);
  rewriter.eraseOp(op);
  if (initProducer && initProducer->use_empty())
    rewriter.eraseOp(initProducer);

  // The fused start value of the accumulator: vectorized on the tile, it
  // folds into the registers' first value.
  linalg::LinalgOp tileOp;
  for (Operation *tiled : tiles->tiledAndFusedOps) {
    auto tiledLinalg = dyn_cast<linalg::LinalgOp>(tiled);
    if (!tiledLinalg)
      continue;
    if (!tileOp) {
      tileOp = tiledLinalg; // The consumer comes first.
      continue;
    }
    rewriter.setInsertionPoint(tiledLinalg);
    if (failed(linalg::vectorize(rewriter, tiledLinalg)))
      return failure();
  }
  if (!tileOp)
    return failure();
  if (auto loop = dyn_cast<scf::ForallOp>(tiles->loops.front().getOperation())) {
    if (linalg::GenericOp epilogue = fuseEpilogue(rewriter, loop))
      epilogues.push_back(epilogue);
    else
      writeChunkInPlace(rewriter, loop);
  }
  rewriter.setInsertionPoint(tileOp);
  scf::SCFTilingOptions inner;
  inner.setTileSizes(asIndexAttrs(context, plan.reductionTile));
  FailureOr<scf::SCFTilingResult> steps =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(tileOp.getOperation()), inner);
  if (failed(steps))
    return failure();
  rewriter.replaceOp(tileOp, steps->replacements);
  for (LoopLikeOpInterface loop : llvm::reverse(steps->loops))
    reductionLoops.push_back(loop.getOperation()); // innermost first

  auto stepOp = cast<linalg::LinalgOp>(steps->tiledOps.back());
  if (plan.convolution)
    return success(); // Decomposed to 1-D and vectorized together afterwards.
  linalg::GenericOp generic;
  if (auto asGeneric = dyn_cast<linalg::GenericOp>(stepOp.getOperation())) {
    generic = asGeneric;
  } else {
    rewriter.setInsertionPoint(stepOp);
    FailureOr<linalg::GenericOp> generalized = linalg::generalizeNamedOp(rewriter, stepOp);
    if (failed(generalized))
      return failure();
    generic = *generalized;
  }

  // Unit loops other than the reduction step would leave unit dimensions in
  // the vector contraction, which then no longer lowers to outer products.
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  SmallVector<unsigned> unitParallel;
  for (unsigned loop = 0; loop < ranges.size(); ++loop)
    if (ranges[loop] == 1 && !llvm::is_contained(plan.reductionDims, loop))
      unitParallel.push_back(loop);
  if (!unitParallel.empty()) {
    FailureOr<linalg::GenericOp> dropped = dropUnitLoops(rewriter, generic, unitParallel);
    if (failed(dropped))
      return failure();
    generic = *dropped;
  }
  rewriter.setInsertionPoint(generic);
  return linalg::vectorize(rewriter, generic);
}

/// Moves the accumulator's reads and writes out of the reduction loops so it
/// lives in registers for the whole reduction. Only the loops tiling created:
/// other loops (recurrences) keep their structure.
void hoistAccumulators(MLIRContext *context, ArrayRef<Operation *> reductionLoops) {
  IRRewriter rewriter(context);
  for (Operation *loop : reductionLoops)
    hoistLoopInvariantSubsets(rewriter, cast<LoopLikeOpInterface>(loop));
}

/// The tiled convolutions have unit output rows and filter rows: decompose
/// them to 1-D convolutions, which linalg vectorizes as per-filter-column
/// contractions of the input pixel run with the filter block.
LogicalResult vectorizeConvolutionTiles(func::FuncOp func) {
  MLIRContext *context = func.getContext();
  RewritePatternSet patterns(context);
  linalg::populateDecomposeConvolutionPatterns(patterns);
  if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
    return failure();
  SmallVector<linalg::LinalgOp> tiles;
  func.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::Conv1DNwcWcfOp, linalg::DepthwiseConv1DNwcWcOp, linalg::PoolingNwcMaxOp,
            linalg::PoolingNwcSumOp>(op.getOperation()) &&
        op->getParentOfType<scf::ForallOp>())
      tiles.push_back(op);
  });
  IRRewriter rewriter(context);
  for (linalg::LinalgOp tile : tiles)
    if (failed(linalg::vectorize(rewriter, tile)))
      return tile->emitError("could not vectorize this convolution tile");
  return success();
}

/// Whether `transfer` reads or writes all of its static tensor from the
/// origin, unmasked: its vector then holds the tensor's elements in order
/// (the map only drops unit dimensions).
bool coversWholeTensor(VectorTransferOpInterface transfer) {
  auto tensorType = dyn_cast<RankedTensorType>(transfer.getSource().getType());
  if (!tensorType || !tensorType.hasStaticShape() || transfer.getMask() ||
      transfer.hasOutOfBoundsDim() ||
      transfer.getVectorType().getNumElements() != tensorType.getNumElements() ||
      !transfer.getPermutationMap().isMinorIdentityWithBroadcasting())
    return false;
  return llvm::all_of(transfer.getIndices(),
                      [](Value index) { return isConstantIntValue(index, 0); });
}

/// Whether a slice op with static `offsets`, `sizes` and `strides` covers
/// all of `whole`.
bool coversWhole(ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                 ArrayRef<int64_t> strides, RankedTensorType whole) {
  return whole.hasStaticShape() && llvm::all_of(offsets, [](int64_t o) { return o == 0; }) &&
         llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
         ArrayRef<int64_t>(sizes) == whole.getShape();
}

/// The tensor whose elements, in order, `value` holds: `value` itself, or,
/// through extract and insert slices that only add or drop unit
/// dimensions of a whole tensor, the tensor they were taken from.
Value getWholeTileSource(Value value) {
  while (true) {
    if (auto extract = value.getDefiningOp<tensor::ExtractSliceOp>()) {
      if (!coversWhole(extract.getStaticOffsets(), extract.getStaticSizes(),
                       extract.getStaticStrides(), extract.getSourceType()))
        return value;
      value = extract.getSource();
    } else if (auto insert = value.getDefiningOp<tensor::InsertSliceOp>()) {
      if (!coversWhole(insert.getStaticOffsets(), insert.getStaticSizes(),
                       insert.getStaticStrides(), insert.getDestType()))
        return value;
      value = insert.getSource();
    } else {
      return value;
    }
  }
}

/// A read of a whole tile that was just written whole, with the unit
/// dimensions arranged differently (the kernel's tile drops the unit
/// output row the epilogue's tile keeps): the read is the written vector
/// reshaped. Upstream folding only forwards between identical vector types.
struct ForwardWholeTileWrite : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto write = getWholeTileSource(read.getSource()).getDefiningOp<vector::TransferWriteOp>();
    if (!write || !coversWholeTensor(read) || !coversWholeTensor(write) ||
        read.getVectorType().getElementType() != write.getVectorType().getElementType())
      return failure();
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(read, read.getVectorType(),
                                                     write.getVector());
    return success();
  }
};

struct TileAndVectorizePass : impl::TileAndVectorizeBase<TileAndVectorizePass> {
  using TileAndVectorizeBase::TileAndVectorizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return; // Scalar target: LLVM's own passes do what can be done.

    SmallVector<std::pair<linalg::LinalgOp, ContractionPlan>, 4> contractions;
    func.walk([&](linalg::LinalgOp op) {
      if (!isTileableKernel(op))
        return;

      if (auto plan = planContraction(op, target))
        contractions.emplace_back(op, *plan);
      else if (auto plan = planConvolution(op, target))
        contractions.emplace_back(op, *plan);
    });
    if (contractions.empty())
      return;
    IRRewriter rewriter(context);
    SmallVector<Operation *> reductionLoops;
    SmallVector<linalg::GenericOp> epilogues;
    for (auto &[op, plan] : contractions)
      if (failed(tileAndVectorizeContraction(rewriter, op, plan, reductionLoops, epilogues))) {
        op->emitError("could not tile and vectorize this contraction");
        return signalPassFailure();
      }
    if (failed(vectorizeConvolutionTiles(func)))
      return signalPassFailure();
    // After the kernels: the epilogue reads the kernel's vectors, which
    // canonicalization forwards from the kernel's write to its read.
    for (linalg::GenericOp epilogue : epilogues) {
      rewriter.setInsertionPoint(epilogue);
      if (failed(linalg::vectorize(rewriter, epilogue))) {
        epilogue->emitError("could not vectorize this fused epilogue");
        return signalPassFailure();
      }
    }

    // The vectorized tile reads the operands with broadcasts and reduces a
    // multiplication: fold that into vector.contract, and simplify the
    // transfers around it.
    {
      RewritePatternSet patterns(context);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      patterns.add<ForwardWholeTileWrite>(context);
      vector::TransferReadOp::getCanonicalizationPatterns(patterns, context);
      vector::TransferWriteOp::getCanonicalizationPatterns(patterns, context);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
      tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    hoistAccumulators(context, reductionLoops);
    {
      RewritePatternSet patterns(context);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorTransformsOptions().setVectorTransformsOptions(
                        vector::VectorContractLowering::OuterProduct));
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      // With the accumulator hoisted, the epilogue reads the tile the
      // reduction loop's result was written to.
      patterns.add<ForwardWholeTileWrite>(context);
      // Loops whose epilogue took over their output drop the old one.
      scf::ForallOp::getCanonicalizationPatterns(patterns, context);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    SmallVector<scf::ForallOp> loops;
    func.walk([&](scf::ForallOp loop) { loops.push_back(loop); });
    for (scf::ForallOp loop : loops)
      writeTilesInImageLayout(rewriter, loop);
  }
};

} // namespace
} // namespace kiln::codegen
