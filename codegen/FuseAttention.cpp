//===- FuseAttention.cpp - scores, softmax and values in one tile loop ----===//
//
// See the pass description in Passes.td (kiln-fuse-attention).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/RowFusion.h"
#include "codegen/TileShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_FUSEATTENTION
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// An attention found in the kernels: the product of the probabilities
/// with the values (`output`), the product of queries and keys that gives
/// the scores, and what lies between (the softmax, with any scaling or
/// additive mask): row kernels that one block of query rows can compute
/// from that block's scores alone.
struct Attention {
  linalg::LinalgOp output;
  linalg::LinalgOp scores;
  /// Every kernel computed again per tile: the row kernels, the scores
  /// product and an elementwise kernel on the queries (a scaling).
  SetVector<Operation *> fused;
  SmallVector<ReshapedRead> reshapedReads;
  /// Tile sizes of `output`'s loops: 1 per batch (head), the block of
  /// query rows, and 0 (whole) for the value columns and the keys.
  SmallVector<int64_t> tileSizes;
};

/// The contraction dimensions of `op` when it is a single matrix product
/// per batch that kiln can tile: f32, static shapes, one result whose last
/// dimension is the column loop, and exactly one m, n and k loop.
std::optional<linalg::ContractionDimensions> getMatrixProductDims(linalg::LinalgOp op) {
  if (op.hasDynamicShape() || op->getNumResults() != 1 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.getElementType().isF32())
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outputMap.getNumResults() == 0 ||
      outputMap.getResults().back() != getAffineDimExpr(dims->n.front(), op->getContext()))
    return std::nullopt;
  return *dims;
}

/// The input of a contraction that holds its left operand: read through
/// the m and k loops (and batches), not the n loop.
OpOperand *getLeftOperand(linalg::LinalgOp op, const linalg::ContractionDimensions &dims) {
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.isFunctionOfDim(dims.m.front()) && map.isFunctionOfDim(dims.k.front()) &&
        !map.isFunctionOfDim(dims.n.front()))
      return input;
  }
  return nullptr;
}

/// A kernel that can sit between the scores and the output product: an
/// f32 generic with static shapes, one result, and plain arithmetic (the
/// softmax's reductions and exponentials, a scaling, an additive mask).
bool isRowKernel(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && isF32ArithmeticKernel(generic) && !linalg::isaContractionOpInterface(generic);
}

/// Whether `user` of a fused kernel's result is computed in the same tile
/// (a fused kernel, the output product, or a unit expansion that only fused
/// kernels read and that fusion reads through).
bool isFusedUser(Operation *user, Attention &attention) {
  return user == attention.output.getOperation() || attention.fused.contains(user) ||
         isOnlyReadThrough(user, attention.reshapedReads);
}

/// The attention whose output product is `output`, if it is one: a matrix
/// product whose left operand comes, through row kernels that include at
/// least one reduction along the rows (the softmax), from another matrix
/// product. Every kernel of the chain must be needed by one block of query
/// rows only for its own rows (nothing computed twice) and used nowhere
/// else.
std::optional<Attention> findAttention(linalg::LinalgOp output) {
  std::optional<linalg::ContractionDimensions> dims = getMatrixProductDims(output);
  if (!dims)
    return std::nullopt;
  OpOperand *probabilities = getLeftOperand(output, *dims);
  if (!probabilities)
    return std::nullopt;
  SmallVector<int64_t> ranges = output.getStaticLoopRanges();
  int64_t batches = 1;
  for (unsigned batch : dims->batch)
    batches *= ranges[batch];
  int64_t queries = ranges[dims->m.front()];
  int64_t keys = ranges[dims->k.front()];
  int64_t rows = chooseAttentionRowBlock(batches, queries, keys);
  if (rows == 0)
    return std::nullopt;

  Attention attention;
  attention.output = output;
  attention.tileSizes.assign(output.getNumLoops(), 0);
  for (unsigned batch : dims->batch)
    attention.tileSizes[batch] = 1;
  attention.tileSizes[dims->m.front()] = rows;
  int64_t tiles = batches * (queries / rows);
  SmallVector<int64_t> outputTile(ranges);
  for (auto [loop, size] : llvm::enumerate(attention.tileSizes))
    if (size != 0)
      outputTile[loop] = size;

  // The producer of `operand` and the part of it one tile reads, when that
  // part is exactly the tile's share of it.
  auto getShare = [&](OpOperand *operand,
                      ArrayRef<int64_t> consumerTile) -> std::optional<std::pair<linalg::LinalgOp, SmallVector<int64_t>>> {
    Value value = operand->get();
    auto consumer = cast<linalg::LinalgOp>(operand->getOwner());
    AffineMap map = consumer.getMatchingIndexingMap(operand);
    AffineMap sourceMap;
    if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>()) {
      sourceMap = readThroughUnitExpansion(expand, map);
      if (!sourceMap || !isa<linalg::GenericOp>(consumer.getOperation()))
        return std::nullopt;
      value = expand.getSrc();
      map = sourceMap;
    }
    auto producer = value.getDefiningOp<linalg::LinalgOp>();
    if (!producer || isFill(producer) || producer->getBlock() != output->getBlock() ||
        producer.hasDynamicShape() || producer->getNumResults() != 1)
      return std::nullopt;
    SmallVector<int64_t> tile = getProducerTile(map, consumerTile, producer);
    if (getVolume(tile) * tiles != getVolume(producer.getStaticLoopRanges()))
      return std::nullopt;
    if (sourceMap)
      attention.reshapedReads.emplace_back(operand, sourceMap);
    return std::make_pair(producer, tile);
  };

  bool hasReduction = false;
  SmallVector<std::pair<OpOperand *, SmallVector<int64_t>>> worklist{{probabilities, outputTile}};
  while (!worklist.empty()) {
    auto [operand, consumerTile] = worklist.pop_back_val();
    auto share = getShare(operand, consumerTile);
    if (!share) {
      if (operand == probabilities)
        return std::nullopt;
      continue; // Read from memory (a mask every block reads, say).
    }
    auto [producer, tile] = *share;
    if (attention.fused.contains(producer))
      continue;
    if (std::optional<linalg::ContractionDimensions> scoreDims = getMatrixProductDims(producer)) {
      if (attention.scores)
        return std::nullopt; // A second product: not an attention.
      attention.scores = producer;
      attention.fused.insert(producer);
      // An elementwise kernel on the queries alone (the 1/sqrt(d) scaling)
      // is computed in the tile too; what feeds it stays outside.
      if (OpOperand *queries = getLeftOperand(producer, *scoreDims))
        if (auto queryShare = getShare(queries, tile)) {
          linalg::LinalgOp query = queryShare->first;
          if (isRowKernel(query) && query.getNumLoops() == query.getNumParallelLoops() &&
              query->hasOneUse())
            attention.fused.insert(query);
        }
      continue;
    }
    if (!isRowKernel(producer))
      return std::nullopt;
    hasReduction |= producer.getNumReductionLoops() > 0;
    attention.fused.insert(producer);
    for (OpOperand *input : producer.getDpsInputOperands())
      worklist.emplace_back(input, tile);
  }
  if (!attention.scores || !hasReduction)
    return std::nullopt;
  for (Operation *op : attention.fused)
    if (!llvm::all_of(op->getUsers(),
                      [&](Operation *user) { return isFusedUser(user, attention); }))
      return std::nullopt;
  return attention;
}

/// The keys as the scores product reads them ([..., features, keys], a
/// register tile reading one panel of columns from every feature row):
/// rows a multiple of 1 KB apart fall into a few of L1's 64 sets (4 KB
/// apart, all into one), and the panel's rows evict each other before the
/// next block of query rows reads them again. Padding each row by one cache
/// line spreads them over the sets; the rows are copied once, where the
/// products read them once per block of query rows.
void padKeyRows(RewriterBase &rewriter, linalg::LinalgOp scores) {
  std::optional<linalg::ContractionDimensions> dims = getMatrixProductDims(scores);
  if (!dims)
    return;
  OpOperand *keys = nullptr;
  for (OpOperand *input : scores.getDpsInputOperands()) {
    AffineMap map = scores.getMatchingIndexingMap(input);
    if (map.isFunctionOfDim(dims->n.front()) && !map.isFunctionOfDim(dims->m.front()))
      keys = input;
  }
  if (!keys)
    return;
  AffineMap map = scores.getMatchingIndexingMap(keys);
  auto type = dyn_cast<RankedTensorType>(keys->get().getType());
  constexpr int64_t kCacheLineFloats = 16;
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
      map.getNumResults() == 0 ||
      map.getResults().back() != getAffineDimExpr(dims->n.front(), scores->getContext()) ||
      (type.getShape().back() * 4) % 1024 != 0)
    return;
  Location loc = scores.getLoc();
  rewriter.setInsertionPoint(scores);
  SmallVector<int64_t> paddedShape(type.getShape());
  paddedShape.back() += kCacheLineFloats;
  Value zero = rewriter.create<arith::ConstantOp>(loc, rewriter.getF32FloatAttr(0.0f));
  Value padded = tensor::createPadHighOp(RankedTensorType::get(paddedShape, type.getElementType()),
                                         keys->get(), zero, /*nofold=*/true, loc, rewriter);
  SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), rewriter.getIndexAttr(1));
  for (int64_t size : type.getShape())
    sizes.push_back(rewriter.getIndexAttr(size));
  Value rows = rewriter.create<tensor::ExtractSliceOp>(loc, type, padded, offsets, sizes, strides);
  rewriter.modifyOpInPlace(scores, [&] { keys->set(rows); });
}

/// Tiles the output product by (head, block of query rows) into an
/// `scf.forall` marked kFusedAttentionAttrName and fuses the attention's
/// kernels into it.
LogicalResult fuseAttention(RewriterBase &rewriter, Attention &attention) {
  linalg::LinalgOp output = attention.output;
  readReshapedSources(rewriter, attention.reshapedReads);
  padKeyRows(rewriter, attention.scores);
  // The scores and the output usually share one zero-filled start tensor
  // (CSE): the output gets its own, so that its start value is computed in
  // the tile and the loop's result is a fresh tensor.
  OpOperand *init = output.getDpsInitOperand(0);
  SmallVector<Operation *> untiled(attention.fused.begin(), attention.fused.end());
  if (auto fill = init->get().getDefiningOp<linalg::FillOp>()) {
    untiled.push_back(fill);
    rewriter.setInsertionPoint(output);
    auto type = cast<RankedTensorType>(init->get().getType());
    Value empty = rewriter.create<tensor::EmptyOp>(output.getLoc(), type.getShape(),
                                                   type.getElementType());
    Value ownFill =
        rewriter.create<linalg::FillOp>(fill.getLoc(), fill.getInputs(), empty).getResult(0);
    rewriter.modifyOpInPlace(output, [&] { init->set(ownFill); });
  }

  SmallVector<OpFoldResult> tileSizes;
  for (int64_t size : attention.tileSizes)
    tileSizes.push_back(rewriter.getIndexAttr(size));
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(tileSizes);
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.setFusionControlFn([&](tensor::ExtractSliceOp, OpResult producer, bool) {
    Operation *owner = producer.getOwner();
    return std::make_tuple(attention.fused.contains(owner) || isFill(owner), false);
  });
  rewriter.setInsertionPoint(output);
  FailureOr<scf::SCFTileAndFuseResult> tiles = scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(output.getOperation()), options);
  if (failed(tiles) || tiles->loops.empty())
    return output->emitError("could not tile this attention by blocks of query rows");
  if (!llvm::is_contained(tiles->fusedProducers, attention.scores.getOperation()))
    return attention.scores->emitError("could not fuse the scores of this attention into its "
                                       "blocks of query rows");
  rewriter.replaceAllUsesWith(output->getResult(0),
                              tiles->replacements.lookup(output->getResult(0)));
  rewriter.eraseOp(output);
  llvm::append_range(untiled, tiles->fusedProducers);
  Operation *loop = tiles->loops.front().getOperation();
  // Fusion leaves the slices it fused behind, still reading the originals.
  SmallVector<Operation *> deadSlices;
  loop->walk([&](tensor::ExtractSliceOp slice) {
    if (slice->use_empty())
      deadSlices.push_back(slice);
  });
  eraseUnusedOps(rewriter, deadSlices);
  eraseUnusedOps(rewriter, untiled);

  loop->setAttr(kFusedAttentionAttrName, rewriter.getUnitAttr());
  // The tile's kernels write into slices of the untiled kernels' empty
  // start tensors, which would make bufferization allocate those whole,
  // outside the loop: each tile gets an empty tensor of its own size
  // instead (a buffer of the iteration, on the worker's stack).
  {
    RewritePatternSet patterns(rewriter.getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(loop, std::move(patterns))))
      return loop->emitError("could not give this attention tile its own buffers");
  }
  // A kernel two others read (the row maximum, read by the exponentials and
  // itself through its start value) was fused once per reader: once.
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, loop);
  return success();
}

struct FuseAttentionPass : impl::FuseAttentionBase<FuseAttentionPass> {
  using FuseAttentionBase::FuseAttentionBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return; // Scalar targets (microcontrollers): no stack scratch per tile.
    // Products at the top level only (not in recurrences or chunk loops).
    SmallVector<linalg::LinalgOp> candidates;
    for (Block &block : func.getBody())
      for (auto op : block.getOps<linalg::LinalgOp>())
        candidates.push_back(op);
    SmallVector<Attention> attentions;
    DenseSet<Operation *> claimed;
    for (linalg::LinalgOp candidate : candidates) {
      if (claimed.contains(candidate))
        continue;
      std::optional<Attention> attention = findAttention(candidate);
      if (!attention ||
          llvm::any_of(attention->fused, [&](Operation *op) { return claimed.contains(op); }))
        continue;
      claimed.insert(candidate);
      claimed.insert(attention->fused.begin(), attention->fused.end());
      attentions.push_back(std::move(*attention));
    }
    IRRewriter rewriter(&getContext());
    for (Attention &attention : attentions)
      if (failed(fuseAttention(rewriter, attention)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace kiln::codegen
