//===- TileUnitLoops.h - a tile's unit loops dropped before vectorizing -*- C++ -*-===//
//
// A tiled kernel keeps the loops of its untiled op, most of them of one
// iteration. Vectorized as they are, they become unit dimensions of every
// vector, which the contraction and reduction lowerings do not take. The
// passes that vectorize tiles (kiln-tile-and-vectorize,
// kiln-vectorize-elementwise, kiln-fuse-row-reductions) drop them first.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_TILEUNITLOOPS_H
#define KILN_CODEGEN_TILEUNITLOOPS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {

/// Rewrites `generic` without the unit loops `loops` (every unit loop when
/// empty), its operands and results rank-reduced by slices around it.
/// Returns the generic that replaces it (`generic` itself when it has no
/// unit loop to drop).
mlir::FailureOr<mlir::linalg::GenericOp> dropUnitLoops(mlir::RewriterBase &rewriter,
                                                        mlir::linalg::GenericOp generic,
                                                        llvm::ArrayRef<unsigned> loops = {});

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TILEUNITLOOPS_H
