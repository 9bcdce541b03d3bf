//===- TileUnitLoops.cpp - a tile's unit loops dropped before vectorizing -===//

#include "codegen/TileUnitLoops.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

using namespace mlir;

namespace kiln::codegen {

FailureOr<linalg::GenericOp> dropUnitLoops(RewriterBase &rewriter, linalg::GenericOp generic,
                                           ArrayRef<unsigned> loops) {
  SmallVector<unsigned> unitLoops(loops);
  if (unitLoops.empty())
    for (auto [loop, range] : llvm::enumerate(generic.getStaticLoopRanges()))
      if (range == 1)
        unitLoops.push_back(loop);
  if (unitLoops.empty())
    return generic;
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  control.controlFn = [&](Operation *) { return unitLoops; };
  // The replacement is the first generic created where `generic` was: after
  // the slices of its operands, before those of its results.
  Block *block = generic->getBlock();
  Operation *before = generic->getPrevNode();
  rewriter.setInsertionPoint(generic);
  if (failed(linalg::dropUnitDims(rewriter, generic, control)))
    return failure();
  for (Operation *op = before ? before->getNextNode() : &block->front(); op;
       op = op->getNextNode())
    if (auto replacement = dyn_cast<linalg::GenericOp>(op))
      return replacement;
  return failure();
}

} // namespace kiln::codegen
