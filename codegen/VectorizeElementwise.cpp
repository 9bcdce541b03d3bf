//===- VectorizeElementwise.cpp - elementwise kernels as vector code -------===//
//
// See the pass description in Passes.td (kiln-vectorize-elementwise).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/TileShapes.h"
#include "codegen/TileUnitLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Whether `map` reads along loop `loop` contiguously (the loop is the last
/// result's only varying part, with unit step: `dL` or `x + dL`) or not at
/// all (a broadcast along it).
bool readsContiguouslyAlong(AffineMap map, unsigned loop) {
  ArrayRef<AffineExpr> results = map.getResults();
  if (results.empty())
    return true; // A scalar.
  for (AffineExpr result : results.drop_back())
    if (result.isFunctionOfDim(loop))
      return false;
  if (!results.back().isFunctionOfDim(loop))
    return true;
  AffineExpr last = results.back();
  if (last == getAffineDimExpr(loop, map.getContext()))
    return true;
  auto sum = dyn_cast<AffineBinaryOpExpr>(last);
  if (!sum || sum.getKind() != AffineExprKind::Add)
    return false;
  AffineExpr dim = getAffineDimExpr(loop, map.getContext());
  return (sum.getLHS() == dim && !sum.getRHS().isFunctionOfDim(loop)) ||
         (sum.getRHS() == dim && !sum.getLHS().isFunctionOfDim(loop));
}

/// The number of elements of the innermost loop one vector tile covers, or
/// 0 when the generic is not an elementwise kernel this pass handles: all
/// loops parallel, static shapes, outputs written in loop order, inputs
/// read contiguously (or broadcast) along the innermost loop, arithmetic
/// and math only, no boolean tensors (stored one per byte, not as vector
/// bits).
int64_t getVectorTileWidth(linalg::GenericOp generic, const TargetVectorShape &target) {
  if (generic.getNumLoops() == 0 || generic.getNumLoops() != generic.getNumParallelLoops() ||
      generic.hasDynamicShape() || !generic.hasPureTensorSemantics())
    return 0;
  for (OpOperand &init : generic.getDpsInitsMutable())
    if (!generic.getMatchingIndexingMap(&init).isIdentity())
      return 0;
  unsigned innermost = generic.getNumLoops() - 1;
  for (OpOperand *input : generic.getDpsInputOperands())
    if (!readsContiguouslyAlong(generic.getMatchingIndexingMap(input), innermost))
      return 0;
  for (BlockArgument argument : generic.getBody()->getArguments())
    if (argument.getType().isInteger(1) || !argument.getType().isIntOrFloat())
      return 0;
  for (Operation &op : generic.getBody()->without_terminator())
    if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return 0;
  // Whole rows up to four vectors; longer rows in the largest divisor that
  // fits (a ragged last vector is cheaper than a scalar loop).
  // Rows of a few elements (an NCHW tensor's 1x1 pixels) are better left
  // to the scalar loops than made into one tiny vector per tile.
  int64_t width = generic.getStaticLoopRanges()[innermost];
  int64_t maxWidth = 4 * target.lanes();
  if (width < 4)
    return 0;
  if (width <= maxWidth)
    return width;
  for (int64_t candidate = maxWidth; candidate >= target.lanes(); --candidate)
    if (width % candidate == 0)
      return candidate;
  return 0;
}

/// Dropping a tile's unit loops turns reads like `oh * 2 + kh` into
/// constants: a tile's input of shape 1x24 read as `(d0) -> (0, d0)`, which
/// the vectorizer does not take. Slices the constant unit dimensions away
/// (`(d0) -> (d0)` on a 24-element slice).
void dropConstantUnitDims(RewriterBase &rewriter, linalg::GenericOp generic) {
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  bool changed = false;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    AffineMap map = maps[input->getOperandNumber()];
    if (!type || !type.hasStaticShape())
      continue;
    SmallVector<AffineExpr> kept;
    SmallVector<int64_t> keptShape;
    for (auto [dim, result] : llvm::enumerate(map.getResults())) {
      auto constant = dyn_cast<AffineConstantExpr>(result);
      if (constant && constant.getValue() == 0 && type.getDimSize(dim) == 1)
        continue;
      kept.push_back(result);
      keptShape.push_back(type.getDimSize(dim));
    }
    if (kept.size() == map.getNumResults())
      continue;
    rewriter.setInsertionPoint(generic);
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t size : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    Value reduced = rewriter.create<tensor::ExtractSliceOp>(
        generic.getLoc(), RankedTensorType::get(keptShape, type.getElementType()), input->get(),
        offsets, sizes, strides);
    rewriter.modifyOpInPlace(generic, [&] { input->set(reduced); });
    maps[input->getOperandNumber()] =
        AffineMap::get(map.getNumDims(), map.getNumSymbols(), kept, map.getContext());
    changed = true;
  }
  if (changed)
    rewriter.modifyOpInPlace(generic, [&] {
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
}

/// Tiles `generic` into a parallel loop of vector tiles (one row segment
/// each), drops the tile's unit dimensions and vectorizes it.
LogicalResult vectorizeElementwise(RewriterBase &rewriter, linalg::GenericOp generic,
                                   int64_t width) {
  SmallVector<OpFoldResult> tileSizes(generic.getNumLoops(), rewriter.getIndexAttr(1));
  tileSizes.back() = rewriter.getIndexAttr(width);
  scf::SCFTilingOptions options;
  options.setTileSizes(tileSizes);
  options.setLoopType(isInParallelTile(generic) ? scf::SCFTilingOptions::LoopType::ForOp
                                                 : scf::SCFTilingOptions::LoopType::ForallOp);
  rewriter.setInsertionPoint(generic);
  FailureOr<scf::SCFTilingResult> tiles =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(generic.getOperation()), options);
  if (failed(tiles))
    return failure();
  rewriter.replaceOp(generic, tiles->replacements);
  auto tile = cast<linalg::GenericOp>(tiles->tiledOps.front());
  if (tile.getNumLoops() > 1) {
    FailureOr<linalg::GenericOp> dropped = dropUnitLoops(rewriter, tile);
    if (failed(dropped))
      return failure();
    tile = *dropped;
  }
  rewriter.setInsertionPoint(tile);
  dropConstantUnitDims(rewriter, tile);
  return linalg::vectorize(rewriter, tile);
}

struct VectorizeElementwisePass : impl::VectorizeElementwiseBase<VectorizeElementwisePass> {
  using VectorizeElementwiseBase::VectorizeElementwiseBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    TargetVectorShape target{vectorBits, vectorRegisters};
    if (target.lanes() < 2)
      return;
    SmallVector<std::pair<linalg::GenericOp, int64_t>> candidates;
    func.walk([&](linalg::GenericOp generic) {
      if (!isTileableKernel(generic))
        return;
      if (int64_t width = getVectorTileWidth(generic, target))
        candidates.emplace_back(generic, width);
    });
    IRRewriter rewriter(&getContext());
    for (auto [generic, width] : candidates)
      if (failed(vectorizeElementwise(rewriter, generic, width))) {
        generic->emitError("could not vectorize this elementwise kernel");
        return signalPassFailure();
      }
  }
};

} // namespace
} // namespace kiln::codegen
