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

/// The loops of a contraction and the register tile chosen for them.
struct ContractionPlan {
  SmallVector<int64_t> parallelTile; // per loop; 0 for reduction loops
  SmallVector<int64_t> reductionTile; // per loop; 0 for parallel loops
  SmallVector<unsigned> reductionDims;
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
  return plan;
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
                                          const ContractionPlan &plan,
                                          SmallVectorImpl<Operation *> &reductionLoops) {
  MLIRContext *context = op->getContext();
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions outer;
  outer.setTileSizes(asIndexAttrs(context, plan.parallelTile));
  outer.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  FailureOr<scf::SCFTilingResult> tiles =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), outer);
  if (failed(tiles))
    return failure();
  rewriter.replaceOp(op, tiles->replacements);

  auto tileOp = cast<linalg::LinalgOp>(tiles->tiledOps.back());
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
  Block *block = generic->getBlock();
  if (!unitParallel.empty()) {
    linalg::ControlDropUnitDims control;
    control.rankReductionStrategy =
        linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
    control.controlFn = [&](Operation *) { return unitParallel; };
    rewriter.setInsertionPoint(generic);
    if (failed(linalg::dropUnitDims(rewriter, generic, control)))
      return failure();
    generic = nullptr;
    for (Operation &candidate : *block)
      if (auto found = dyn_cast<linalg::GenericOp>(candidate))
        generic = found;
    if (!generic)
      return failure();
  }
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

struct TileAndVectorizePass : impl::TileAndVectorizeBase<TileAndVectorizePass> {
  using TileAndVectorizeBase::TileAndVectorizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return; // Scalar target: LLVM's own passes do what can be done.

    SmallVector<std::pair<linalg::LinalgOp, ContractionPlan>> contractions;
    func.walk([&](linalg::LinalgOp op) {
      // Kernels inside loops that carry tensors (recurrences) stay as they
      // are: a parallel loop there would break in-place bufferization of the
      // loop-carried state.
      if (op->getParentOp() != func.getOperation())
        return;

      if (auto plan = planContraction(op, target))
        contractions.emplace_back(op, *plan);
    });
    if (contractions.empty())
      return;
    IRRewriter rewriter(context);
    SmallVector<Operation *> reductionLoops;
    for (auto &[op, plan] : contractions)
      if (failed(tileAndVectorizeContraction(rewriter, op, plan, reductionLoops))) {
        op->emitError("could not tile and vectorize this contraction");
        return signalPassFailure();
      }

    // The vectorized tile reads the operands with broadcasts and reduces a
    // multiplication: fold that into vector.contract, and simplify the
    // transfers around it.
    {
      RewritePatternSet patterns(context);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
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
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace kiln::codegen
