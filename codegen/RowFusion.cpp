//===- RowFusion.cpp - fusing kernels that work on the same rows ----------===//

#include "codegen/RowFusion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace kiln::codegen {

int64_t getVolume(ArrayRef<int64_t> sizes) {
  int64_t volume = 1;
  for (int64_t size : sizes)
    volume *= size;
  return volume;
}

AffineMap readThroughUnitExpansion(tensor::ExpandShapeOp expand, AffineMap map) {
  RankedTensorType sourceType = expand.getSrcType();
  RankedTensorType resultType = expand.getResultType();
  if (!sourceType.hasStaticShape() || !resultType.hasStaticShape())
    return AffineMap();
  SmallVector<AffineExpr> results;
  for (auto [sourceDim, group] : llvm::enumerate(expand.getReassociationIndices())) {
    int64_t size = sourceType.getDimSize(sourceDim);
    std::optional<int64_t> kept;
    for (int64_t dim : group) {
      int64_t expandedSize = resultType.getDimSize(dim);
      if (expandedSize == 1 && (size != 1 || kept))
        continue; // An inserted unit dimension.
      if (kept || expandedSize != size)
        return AffineMap();
      kept = dim;
    }
    if (!kept)
      return AffineMap();
    results.push_back(map.getResult(*kept));
  }
  return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results, map.getContext());
}

SmallVector<int64_t> getProducerTile(AffineMap readMap, ArrayRef<int64_t> consumerTile,
                                     linalg::LinalgOp producer) {
  SmallVector<int64_t> sliceSizes;
  for (AffineExpr result : readMap.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(result);
    sliceSizes.push_back(dim ? consumerTile[dim.getPosition()] : 1);
  }
  SmallVector<int64_t> tile = producer.getStaticLoopRanges();
  AffineMap resultMap = producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
  for (auto [index, result] : llvm::enumerate(resultMap.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      tile[dim.getPosition()] = sliceSizes[index];
  return tile;
}

bool isFill(Operation *op) {
  if (isa<linalg::FillOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 0 || generic.getNumDpsInits() != 1 ||
      generic.getBody()->getOperations().size() != 1)
    return false;
  Value yielded = generic.getBody()->getTerminator()->getOperand(0);
  return yielded.getParentBlock() != generic.getBody();
}

bool isF32ArithmeticKernel(linalg::GenericOp generic) {
  if (!generic.hasPureTensorSemantics() || generic.hasDynamicShape() ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() == 0)
    return false;
  for (Value operand : generic->getOperands())
    if (!getElementTypeOrSelf(operand.getType()).isF32())
      return false;
  for (Operation &op : generic.getBody()->without_terminator())
    if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return false;
  return llvm::all_of(generic.getIndexingMapsArray(), [](AffineMap map) {
    return map.isProjectedPermutation(/*allowZeroInResults=*/true);
  });
}

bool isOnlyReadThrough(Operation *user, ArrayRef<ReshapedRead> reads) {
  if (!isa<tensor::ExpandShapeOp>(user))
    return false;
  return llvm::all_of(user->getResult(0).getUses(), [&](OpOperand &use) {
    return llvm::any_of(reads, [&](const ReshapedRead &read) { return read.first == &use; });
  });
}

void readReshapedSources(RewriterBase &rewriter, ArrayRef<ReshapedRead> reads) {
  for (const auto &[operand, readMap] : reads) {
    OpOperand *read = operand;
    auto expand = read->get().getDefiningOp<tensor::ExpandShapeOp>();
    if (!expand)
      continue; // Recorded twice (a consumer reached by two paths).
    auto consumer = cast<linalg::LinalgOp>(read->getOwner());
    SmallVector<AffineMap> maps = consumer.getIndexingMapsArray();
    maps[read->getOperandNumber()] = readMap;
    auto generic = cast<linalg::GenericOp>(consumer.getOperation());
    rewriter.modifyOpInPlace(generic, [&] {
      read->set(expand.getSrc());
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    if (expand->use_empty())
      rewriter.eraseOp(expand);
  }
}

void eraseUnusedOps(RewriterBase &rewriter, ArrayRef<Operation *> ops) {
  // Deduplicated: an op listed twice must not be looked at once erased.
  SmallVector<Operation *> pending = SetVector<Operation *>(ops.begin(), ops.end()).takeVector();
  for (bool erased = true; erased;) {
    erased = false;
    for (Operation *&op : pending)
      if (op && op->use_empty()) {
        rewriter.eraseOp(op);
        op = nullptr;
        erased = true;
      }
  }
}

} // namespace kiln::codegen
