//===- RowFusion.h - fusing kernels that work on the same rows -*- C++ -*-===//
//
// What kiln-fuse-row-reductions (a normalization, one row per iteration)
// and kiln-fuse-attention (scores, softmax and the product with the values,
// one block of query rows per iteration) share: which part of a producer a
// tile needs, reads through the reshapes a reduction's kept dimension adds,
// and which producers are cheap enough to compute again in every tile.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_ROWFUSION_H
#define KILN_CODEGEN_ROWFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {

/// The product of `sizes`.
int64_t getVolume(llvm::ArrayRef<int64_t> sizes);

/// `map` (an operand's indexing map) restated to read the source of
/// `expand` when the expansion only inserts unit dimensions (a reduction's
/// kept dimension, `1x32` to `1x32x1`), or a null map. Tiling fuses
/// producers through slices only, not through reshapes.
mlir::AffineMap readThroughUnitExpansion(mlir::tensor::ExpandShapeOp expand, mlir::AffineMap map);

/// The loop tile of `producer` that computes the part of its result a
/// consumer tile of `consumerTile` loops reads through `readMap`: the read
/// slice's sizes on the result's loops, whole ranges on the others.
llvm::SmallVector<int64_t> getProducerTile(mlir::AffineMap readMap,
                                           llvm::ArrayRef<int64_t> consumerTile,
                                           mlir::linalg::LinalgOp producer);

/// Whether `op` only fills its output with one value: a `linalg.fill`, or
/// the generic that reshape propagation makes of one. Cheap to compute
/// again in each tile, whoever else uses it.
bool isFill(mlir::Operation *op);

/// Whether `generic` is plain f32 arithmetic on whole tensors: static
/// shapes, one result, at least one loop, a body of arith and math ops, and
/// every operand read or written through a projected permutation (constant
/// 0 for a unit dimension allowed). The row kernels both passes fuse are
/// such generics.
bool isF32ArithmeticKernel(mlir::linalg::GenericOp generic);

/// An operand that reads its tensor through a unit-dimension expansion,
/// and the map that reads the expansion's source instead.
using ReshapedRead = std::pair<mlir::OpOperand *, mlir::AffineMap>;

/// Whether `user` is a unit-dimension expansion that only operands of
/// `reads` read: fusion reads through it, so it keeps nothing in memory.
bool isOnlyReadThrough(mlir::Operation *user, llvm::ArrayRef<ReshapedRead> reads);

/// Makes each operand of `reads` read the expansion's source through its
/// map, and erases expansions left without users.
void readReshapedSources(mlir::RewriterBase &rewriter, llvm::ArrayRef<ReshapedRead> reads);

/// Erases the ops of `ops` that have no users left, repeatedly (a fused
/// chain's originals, once its tiles replaced them).
void eraseUnusedOps(mlir::RewriterBase &rewriter, llvm::ArrayRef<mlir::Operation *> ops);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_ROWFUSION_H
