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
  // With several users the producer is recomputed in each fused consumer:
  // only worth it when it is cheap, reads no more than its result would
  // (one full-size input; broadcast operands are small), and is not
  // materialized anyway for a user that cannot take it in (a
  // convolution). A residual sum of two activations recomputed in the next
  // residual addition would read both again, and would keep the
  // convolutions that produce them from taking the sum as their epilogue.
  if (producer->hasOneUse())
    return true;
  int64_t fullSizeInputs = llvm::count_if(producer.getDpsInputOperands(), [&](OpOperand *input) {
    return producer.getMatchingIndexingMap(input).isPermutation();
  });
  return cheap && fullSizeInputs <= 1 && llvm::all_of(producer->getUsers(), [](Operation *user) {
           auto generic = dyn_cast<linalg::GenericOp>(user);
           return generic && isAllParallel(generic);
         });
}

/// Whether `op` only permutes its one input: a transpose generic.
bool isTranspose(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 || !isAllParallel(op))
    return false;
  AffineMap inputMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  return inputMap.isPermutation() && !inputMap.isIdentity() &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() &&
         yield.getNumOperands() == 1 && yield.getOperand(0) == op.getBody()->getArgument(0);
}

/// An elementwise result with several users, one of which transposes it
/// (the layout change into a channels-last convolution): computes it
/// directly in the transposed layout, and gives the other users the
/// transpose back, which fuses into them as a permuted read. A residual
/// sum feeding both the next convolution and the next residual addition is
/// then computed once, channels-last, instead of once per layout or once
/// per user.
struct ComputeInTransposedLayout : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp transpose,
                                PatternRewriter &rewriter) const override {
    // The transposed layout is the one a kernel needs (a convolution, a
    // pad before it) when a user of the transpose is not elementwise;
    // otherwise this would move results back and forth between layouts.
    if (!isTranspose(transpose) || llvm::all_of(transpose->getUsers(), [](Operation *user) {
          auto generic = dyn_cast<linalg::GenericOp>(user);
          return generic && isAllParallel(generic);
        }))
      return failure();

    Value value = transpose.getDpsInputs()[0];
    auto producer = value.getDefiningOp<linalg::GenericOp>();
    // Its other users are elementwise: the transpose back fuses into them.
    auto isElementwise = [](Operation *user) {
      auto generic = dyn_cast<linalg::GenericOp>(user);
      return generic && isAllParallel(generic);
    };
    if (!producer || producer->getNumResults() != 1 || producer.getNumDpsInits() != 1 ||
        !isAllParallel(producer) || value.hasOneUse() ||
        !llvm::all_of(value.getUsers(),
                      [&](Operation *user) { return user == transpose || isElementwise(user); }) ||
        !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0)).isIdentity() ||
        producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)))
      return failure();
    // T reads P at permutation(i): P's input maps composed with it.
    AffineMap permutation = transpose.getMatchingIndexingMap(transpose.getDpsInputOperand(0));
    SmallVector<AffineMap> maps;
    for (OpOperand *input : producer.getDpsInputOperands())
      maps.push_back(producer.getMatchingIndexingMap(input).compose(permutation));
    maps.push_back(transpose.getMatchingIndexingMap(transpose.getDpsInitOperand(0)));
    // Right after the producer: its other users may come before the
    // transpose.
    Location loc = producer.getLoc();
    rewriter.setInsertionPointAfter(producer);
    auto relaidType = cast<RankedTensorType>(transpose->getResult(0).getType());
    Value relaidInit = rewriter.create<tensor::EmptyOp>(loc, relaidType.getShape(),
                                                        relaidType.getElementType());
    auto relaid = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{relaidType}, producer.getDpsInputs(), ValueRange{relaidInit}, maps,
        transpose.getIteratorTypesArray());
    rewriter.cloneRegionBefore(producer.getRegion(), relaid.getRegion(),
                               relaid.getRegion().end());
    rewriter.replaceOp(transpose, relaid->getResults());
    // The other users read it back in the producer's layout.
    rewriter.setInsertionPointAfter(relaid);
    auto resultType = cast<RankedTensorType>(value.getType());
    Value empty = rewriter.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                                   resultType.getElementType());
    unsigned rank = resultType.getRank();
    auto back = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{resultType}, relaid->getResults(), ValueRange{empty},
        ArrayRef<AffineMap>{inversePermutation(permutation),
                            AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location loc, ValueRange args) {
          b.create<linalg::YieldOp>(loc, args[0]);
        });
    rewriter.replaceOp(producer, back->getResults());
    return success();
  }
};

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    // Layouts first, while the transposes around the convolutions are
    // still plain copies (fusion would merge them with activations).
    {
      RewritePatternSet layout(context);
      layout.add<ComputeInTransposedLayout>(context);
      if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(layout))))
        return signalPassFailure();
    }
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
