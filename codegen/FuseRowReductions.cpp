//===- FuseRowReductions.cpp - normalizations computed one row at a time --===//
//
// See the pass description in Passes.td (kiln-fuse-row-reductions).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/RowFusion.h"
#include "codegen/TileUnitLoops.h"
#include "codegen/TileShapes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <set>

namespace kiln::codegen {
#define GEN_PASS_DEF_FUSEROWREDUCTIONS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Rows up to this many elements are computed as whole vectors (LLVM splits
/// them into registers); a longer row would no longer stay in L1 between
/// the reductions and the final kernel.
constexpr int64_t kMaxRowElements = 4096;

/// Rows of a few elements (an NCHW tensor's 1x1 pixels) are better left to
/// the scalar loops than made into one tiny vector per row.
constexpr int64_t kMinRowElements = 4;

/// Whether one row of `generic` can be computed in vector registers: f32
/// operands of static shape, one result written through a projected
/// permutation, arithmetic and math only, at most one reduction loop and
/// that the innermost one, and inputs read along the innermost loop only
/// through their last dimension (contiguously) or not at all (broadcast).
bool isRowKernel(linalg::GenericOp generic) {
  if (!isF32ArithmeticKernel(generic))
    return false;
  unsigned innermost = generic.getNumLoops() - 1;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0)
      continue; // A scalar.
    for (AffineExpr result : map.getResults().drop_back())
      if (result.isFunctionOfDim(innermost))
        return false;
  }
  if (!generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)).isProjectedPermutation())
    return false;
  SmallVector<unsigned> reductionDims;
  generic.getReductionDims(reductionDims);
  if (reductionDims.size() > 1 || (reductionDims.size() == 1 && reductionDims[0] != innermost))
    return false;
  return succeeded(linalg::vectorizeOpPrecondition(generic));
}

/// Whether a tile of `producer` of `tile` loops is one row of it: one
/// iteration of every loop but the innermost, and no more than its share of
/// the work when every one of `rows` rows computes one (a reduction across
/// rows, or a tensor every row reads whole, would be recomputed per row).
bool isOneRow(linalg::GenericOp producer, ArrayRef<int64_t> tile, int64_t rows) {
  for (int64_t size : tile.drop_back())
    if (size != 1)
      return false;
  int64_t volume = getVolume(tile);
  return volume <= kMaxRowElements &&
         volume * rows <= getVolume(producer.getStaticLoopRanges());
}

/// A normalization computed row by row: the final elementwise kernel, the
/// kernels it needs for the same row (reductions along the row and the
/// per-row arithmetic on their results), and the operands that read one of
/// those through a reshape that only inserts unit dimensions, with the map
/// that reads the reshape's source instead.
struct RowChain {
  linalg::GenericOp root;
  SetVector<Operation *> producers;
  SmallVector<ReshapedRead> reshapedReads;
};

/// Collects the kernels that one row of `root` needs, skipping `rejected`
/// ones (which stay outside and are read from memory).
RowChain collectRowProducers(linalg::GenericOp root, const DenseSet<Operation *> &rejected) {
  RowChain chain;
  chain.root = root;
  SmallVector<int64_t> rootTile(root.getNumLoops(), 1);
  rootTile.back() = root.getStaticLoopRanges().back();
  int64_t rows = getVolume(root.getStaticLoopRanges()) / rootTile.back();
  SmallVector<std::pair<linalg::GenericOp, SmallVector<int64_t>>> worklist{{root, rootTile}};
  std::set<std::pair<Operation *, SmallVector<int64_t>>> visited;
  while (!worklist.empty()) {
    auto [consumer, tile] = worklist.pop_back_val();
    for (OpOperand *input : consumer.getDpsInputOperands()) {
      Value value = input->get();
      AffineMap map = consumer.getMatchingIndexingMap(input);
      // Read through reshapes that only insert unit dimensions, also where
      // the source is not fused: the row is then one slice of one tensor,
      // whoever reads it.
      if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>()) {
        AffineMap sourceMap = readThroughUnitExpansion(expand, map);
        if (!sourceMap)
          continue;
        chain.reshapedReads.emplace_back(input, sourceMap);
        value = expand.getSrc();
        map = sourceMap;
      }
      auto producer = value.getDefiningOp<linalg::GenericOp>();
      if (!producer || rejected.contains(producer) || producer->getBlock() != root->getBlock() ||
          !isRowKernel(producer))
        continue;
      SmallVector<int64_t> producerTile = getProducerTile(map, tile, producer);
      if (!isOneRow(producer, producerTile, rows))
        continue;
      chain.producers.insert(producer);
      if (visited.emplace(producer, producerTile).second)
        worklist.emplace_back(producer, producerTile);
    }
  }
  return chain;
}

/// Whether `user` of a chain kernel's result is inside the chain (so the
/// kernel need not be kept in memory for anything else).
bool isChainUser(Operation *user, const RowChain &chain) {
  linalg::GenericOp root = chain.root;
  return user == root.getOperation() || chain.producers.contains(user) ||
         isOnlyReadThrough(user, chain.reshapedReads);
}

/// The normalization chain ending in `root`, if `root` is the final
/// elementwise kernel of one: all-parallel, writing its result in loop
/// order, at least two rows of kMinRowElements to kMaxRowElements, and
/// needing at least one reduction along its rows. Kernels that are also
/// used outside the chain stay outside (fused, they would be computed
/// twice).
std::optional<RowChain> findRowChain(linalg::GenericOp root) {
  if (!isRowKernel(root) || root.getNumLoops() < 2 ||
      root.getNumLoops() != root.getNumParallelLoops() ||
      !root.getMatchingIndexingMap(root.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  int64_t rowLength = root.getStaticLoopRanges().back();
  if (rowLength < kMinRowElements || rowLength > kMaxRowElements)
    return std::nullopt;
  // A single row (a classifier's softmax) would lose its loop to
  // canonicalization and become straight-line code that the profiler and
  // `kiln inspect` do not see as a kernel.
  if (getVolume(root.getStaticLoopRanges()) / rowLength < 2)
    return std::nullopt;
  DenseSet<Operation *> rejected;
  while (true) {
    RowChain chain = collectRowProducers(root, rejected);
    bool changed = false;
    for (Operation *producer : chain.producers)
      if (!llvm::all_of(producer->getUsers(),
                        [&](Operation *user) { return isChainUser(user, chain); }))
        changed |= rejected.insert(producer).second;
    if (changed)
      continue;
    if (llvm::none_of(chain.producers, [](Operation *producer) {
          return cast<linalg::GenericOp>(producer).getNumReductionLoops() > 0;
        }))
      return std::nullopt;
    return chain;
  }
}

/// A reduction of a whole row to one value: partial results one register
/// wide, combined pairwise, then the register halved down to one lane. The
/// additions form a tree of logarithmic depth, where `vector.reduction`
/// becomes an ordered chain of one dependent scalar addition per element
/// (LLVM may not reassociate floating-point additions).
struct ReduceRowAsTree : OpRewritePattern<vector::MultiDimReductionOp> {
  ReduceRowAsTree(MLIRContext *context, int64_t lanes)
      : OpRewritePattern(context, /*benefit=*/2), lanes(lanes) {}

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp reduction,
                                PatternRewriter &rewriter) const override {
    VectorType sourceType = reduction.getSourceVectorType();
    if (sourceType.getRank() != 1 || sourceType.isScalable() ||
        isa<VectorType>(reduction.getDestType()) ||
        isa<vector::MaskOp>(reduction->getParentOp()))
      return failure();
    Location loc = reduction.getLoc();
    vector::CombiningKind kind = reduction.getKind();
    Value source = reduction.getSource();
    int64_t size = sourceType.getDimSize(0);
    auto slice = [&](Value vector, int64_t offset, int64_t length) -> Value {
      return rewriter.create<vector::ExtractStridedSliceOp>(
          loc, vector, ArrayRef<int64_t>{offset}, ArrayRef<int64_t>{length},
          ArrayRef<int64_t>{1});
    };
    int64_t width = std::min(size, lanes);
    SmallVector<Value> parts;
    if (size <= lanes)
      parts.push_back(source);
    else
      for (int64_t offset = 0; offset + lanes <= size; offset += lanes)
        parts.push_back(slice(source, offset, lanes));
    while (parts.size() > 1) {
      SmallVector<Value> combined;
      for (size_t i = 0; i + 1 < parts.size(); i += 2)
        combined.push_back(vector::makeArithReduction(rewriter, loc, kind, parts[i], parts[i + 1]));
      if (parts.size() % 2)
        combined.push_back(parts.back());
      parts = std::move(combined);
    }
    Value partial = parts.front();
    while (width > 1 && width % 2 == 0) {
      width /= 2;
      partial = vector::makeArithReduction(rewriter, loc, kind, slice(partial, 0, width),
                                           slice(partial, width, width));
    }
    Value accumulator = reduction.getAcc();
    int64_t tail = size > lanes ? size % lanes : 0;
    if (tail)
      accumulator = rewriter.create<vector::ReductionOp>(
          loc, kind, slice(source, size - tail, tail), accumulator);
    rewriter.replaceOpWithNewOp<vector::ReductionOp>(reduction, kind, partial, accumulator);
    return success();
  }

  int64_t lanes;
};

/// Drops the unit loops of a row tile and vectorizes it: a reduction
/// becomes a `vector.multi_reduction` of the row, an elementwise kernel one
/// vector operation per row. A reduction's start value (a fill) loses its
/// unit dimensions too, so that the reduction reads the vector it writes
/// and forwarding makes it a constant.
LogicalResult vectorizeRowTile(RewriterBase &rewriter, linalg::LinalgOp tile) {
  auto generic = dyn_cast<linalg::GenericOp>(tile.getOperation());
  if (!generic) {
    rewriter.setInsertionPoint(tile);
    FailureOr<linalg::GenericOp> generalized = linalg::generalizeNamedOp(rewriter, tile);
    if (failed(generalized))
      return failure();
    generic = *generalized;
    tile = generic;
  }
  if (llvm::is_contained(generic.getStaticLoopRanges(), 1)) {
    FailureOr<linalg::GenericOp> dropped = dropUnitLoops(rewriter, generic);
    if (succeeded(dropped))
      tile = *dropped;
  }
  rewriter.setInsertionPoint(tile);
  return linalg::vectorize(rewriter, tile);
}

/// Tiles the chain's final kernel by rows, fuses the chain into the row
/// loop, and vectorizes what one row computes.
LogicalResult fuseRowChain(RewriterBase &rewriter, const RowChain &chain,
                           const TargetVectorShape &target) {
  linalg::GenericOp root = chain.root;
  readReshapedSources(rewriter, chain.reshapedReads);

  SmallVector<OpFoldResult> tileSizes(root.getNumLoops(), rewriter.getIndexAttr(1));
  tileSizes.back() = rewriter.getIndexAttr(0); // The whole row.
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(tileSizes);
  // Inside a parallel loop (a fused attention's block of rows), the rows
  // of the block are a sequential loop.
  tiling.setLoopType(isInParallelTile(root) ? scf::SCFTilingOptions::LoopType::ForOp
                                            : scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  // Start values of the reductions are fused too: they become the
  // accumulator's first value instead of a tensor read back.
  options.setFusionControlFn([&](tensor::ExtractSliceOp, OpResult producer, bool) {
    Operation *owner = producer.getOwner();
    return std::make_tuple(chain.producers.contains(owner) || isFill(owner), false);
  });
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> tiles = scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(root.getOperation()), options);
  if (failed(tiles) || tiles->loops.empty())
    return root->emitError("could not tile this normalization by rows");
  rewriter.replaceAllUsesWith(root->getResult(0), tiles->replacements.lookup(root->getResult(0)));
  rewriter.eraseOp(root);
  SmallVector<Operation *> untiled(chain.producers.begin(), chain.producers.end());
  llvm::append_range(untiled, tiles->fusedProducers);
  eraseUnusedOps(rewriter, untiled);

  Operation *loop = tiles->loops.front().getOperation();
  // A kernel two others read (the mean, read by the variance and the final
  // kernel) was fused once per reader, on the same slice: computed once.
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, loop);
  SmallVector<linalg::LinalgOp> rowTiles;
  loop->walk([&](linalg::LinalgOp op) { rowTiles.push_back(op); });
  for (linalg::LinalgOp rowTile : rowTiles)
    if (failed(vectorizeRowTile(rewriter, rowTile)))
      return rowTile->emitError("could not vectorize this row of a normalization");

  MLIRContext *context = rewriter.getContext();
  RewritePatternSet patterns(context);
  patterns.add<ReduceRowAsTree>(context, target.lanes());
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerReduction);
  // The row's kernels hand their vectors to each other through the tiles
  // they write and read: forwarding makes them registers.
  vector::TransferReadOp::getCanonicalizationPatterns(patterns, context);
  vector::TransferWriteOp::getCanonicalizationPatterns(patterns, context);
  tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
  tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
  if (failed(applyPatternsAndFoldGreedily(loop, std::move(patterns))))
    return loop->emitError("could not lower the row reductions of this normalization");
  return success();
}

struct FuseRowReductionsPass : impl::FuseRowReductionsBase<FuseRowReductionsPass> {
  using FuseRowReductionsBase::FuseRowReductionsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return; // Scalar target: nothing to gain from rows in registers.
    // Kernels at the top level and in fused attention tiles only;
    // recurrences keep their loops (see kiln-tile-and-vectorize).
    SmallVector<linalg::GenericOp> candidates;
    func.walk([&](linalg::GenericOp generic) {
      if (generic->getParentOp() == func.getOperation() || isInParallelTile(generic))
        candidates.push_back(generic);
    });
    // From the last kernel back: a normalization's final kernel comes after
    // the kernels of its chain, which it absorbs.
    DenseSet<Operation *> absorbed;
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp root : llvm::reverse(candidates)) {
      if (absorbed.contains(root))
        continue;
      std::optional<RowChain> chain = findRowChain(root);
      if (!chain)
        continue;
      absorbed.insert(chain->producers.begin(), chain->producers.end());
      if (failed(fuseRowChain(rewriter, *chain, target)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace kiln::codegen
