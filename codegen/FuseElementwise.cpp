//===- FuseElementwise.cpp - elementwise fusion without recomputation ------===//
//
// Upstream's elementwise fusion patterns with a cost model: a producer is
// merged into a consumer only when that does not multiply the producer's
// work.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// A body that costs about as much as reading its inputs: no math-dialect
/// op (exp, erf, tanh, ...) and no division, which are worth materializing
/// once rather than recomputing.
bool hasCheapBody(linalg::GenericOp op) {
  bool cheap = true;
  op.getBody()->walk([&](Operation *nested) {
    if (isa<math::MathDialect>(nested->getDialect()) ||
        isa<arith::DivFOp, arith::RemFOp, arith::DivSIOp, arith::DivUIOp>(nested))
      cheap = false;
  });
  return cheap;
}

bool isAllParallel(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// The fusion decision for `operand` of a consumer generic, whose value a
/// generic produces.
bool shouldFuse(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!producer || !consumer)
    return false;
  bool cheap = hasCheapBody(producer);
  // Each producer element is read exactly once when the consumer's map for
  // it is a permutation of all of the consumer's loops.
  AffineMap map = consumer.getMatchingIndexingMap(operand);
  bool readOnce = map.isPermutation();
  if (!readOnce && !(cheap && isAllParallel(consumer)))
    return false;
  // With several users the producer is recomputed in each fused consumer;
  // only worth it when it is cheap.
  return producer->hasOneUse() || cheap;
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::ControlFusionFn singleUse = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, singleUse);
    linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln::codegen
