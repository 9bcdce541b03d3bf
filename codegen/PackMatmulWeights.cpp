//===- PackMatmulWeights.cpp - constant matmul operands as column panels --===//
//
// See the pass description in Passes.td. The panel width is the register
// tile's, so this pass and kiln-tile-and-vectorize must agree: both call
// chooseMatmulRegisterTile with the same target.
//
//===----------------------------------------------------------------------===//

#include "codegen/ConstantLayout.h"
#include "codegen/Passes.h"
#include "codegen/TileShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_PACKMATMULWEIGHTS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Rewrites one product whose right-hand side is a constant; `transposedB`
/// says the constant is N x K (matmul_transpose_b) rather than K x N.
void packProduct(IRRewriter &rewriter, linalg::LinalgOp op, bool transposedB,
                 const TargetVectorShape &target) {
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value init = op.getDpsInits()[0];
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto initType = dyn_cast<RankedTensorType>(init.getType());
  if (!lhsType || !initType || !lhsType.hasStaticShape() || !initType.hasStaticShape() ||
      !initType.getElementType().isF32() || !lhsType.getElementType().isF32())
    return;
  int64_t m = initType.getDimSize(0), n = initType.getDimSize(1), k = lhsType.getDimSize(1);
  RegisterTile tile = chooseMatmulRegisterTile(m, n, target);
  if (tile.rows == 0)
    return;
  int64_t panel = tile.columns, panels = n / panel;
  // A single panel of a K x N constant is already contiguous.
  if (panels == 1 && !transposedB)
    return;

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value packed =
      transposedB
          ? createPermutedConstant(rewriter, loc, rhs, {panels, panel, k}, {0, 2, 1})
          : createPermutedConstant(rewriter, loc, rhs, {k, panels, panel}, {1, 0, 2});
  if (!packed)
    return;

  SmallVector<ReassociationIndices> splitColumns{{0}, {1, 2}};
  auto panelledType = RankedTensorType::get({m, panels, panel}, initType.getElementType());
  Value panelledInit =
      rewriter.create<tensor::ExpandShapeOp>(loc, panelledType, init, splitColumns);
  MLIRContext *context = rewriter.getContext();
  AffineExpr row, panelIndex, column, reduction;
  bindDims(context, row, panelIndex, column, reduction);
  SmallVector<AffineMap> maps{
      AffineMap::get(4, 0, {row, reduction}, context),
      AffineMap::get(4, 0, {panelIndex, reduction, column}, context),
      AffineMap::get(4, 0, {row, panelIndex, column}, context)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto product = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{panelledType}, ValueRange{lhs, packed}, ValueRange{panelledInit}, maps,
      iterators, [](OpBuilder &b, Location bodyLoc, ValueRange args) {
        Value term = b.create<arith::MulFOp>(bodyLoc, args[0], args[1]);
        Value sum = b.create<arith::AddFOp>(bodyLoc, args[2], term);
        b.create<linalg::YieldOp>(bodyLoc, sum);
      });
  Value result = rewriter.create<tensor::CollapseShapeOp>(loc, initType, product.getResult(0),
                                                          splitColumns);
  rewriter.replaceOp(op, result);
  eraseIfUnused(rewriter, rhs);
}

struct PackMatmulWeightsPass : impl::PackMatmulWeightsBase<PackMatmulWeightsPass> {
  using PackMatmulWeightsBase::PackMatmulWeightsBase;

  void runOnOperation() override {
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return; // Scalar code: no register tiles to pack for.
    SmallVector<linalg::LinalgOp> products;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeBOp>(op.getOperation()))
        products.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : products)
      packProduct(rewriter, op, isa<linalg::MatmulTransposeBOp>(op.getOperation()), target);
  }
};

} // namespace
} // namespace kiln::codegen
