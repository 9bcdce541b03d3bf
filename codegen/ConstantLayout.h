//===- ConstantLayout.h - weights rearranged at compile time ----*- C++ -*-===//
//
// Layout passes (channels-last convolutions, packed matrix-product weights)
// move constant operands into the layout their kernel reads. Doing it on the
// constant's bytes at compile time leaves no transpose to run per inference.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_CONSTANTLAYOUT_H
#define KILN_CODEGEN_CONSTANTLAYOUT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {

/// An f32 constant `value` (an arith.constant) read as a row-major tensor of
/// shape `view` (same element count: a free reshape) and permuted, as a new
/// arith.constant: result[i0, i1, ...] = view[i_perm^-1 ...], i.e. result
/// dimension d is view dimension `permutation[d]`. Splats stay splats; a
/// weight blob becomes a new blob, an inline dense attribute a dense one.
/// Returns null when `value` is not an f32 constant whose data the compiler
/// holds (a dump printed without its weights).
mlir::Value createPermutedConstant(mlir::OpBuilder &builder, mlir::Location loc,
                                   mlir::Value value, llvm::ArrayRef<int64_t> view,
                                   llvm::ArrayRef<int64_t> permutation);

/// `value` (an f32 arith.constant) with the same bytes read as `shape`:
/// no copy (a blob is shared, a dense attribute reshaped). Null when
/// `value` is not such a constant.
mlir::Value createReshapedConstant(mlir::OpBuilder &builder, mlir::Location loc,
                                   mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Erases the constant op defining `value` when nothing uses it any more,
/// and frees its weight blob if it is one this file created (a rearranged
/// copy, which only that op refers to). Weights in the hundreds of
/// megabytes would otherwise stay in memory once per rearrangement.
void eraseIfUnused(mlir::RewriterBase &rewriter, mlir::Value value);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_CONSTANTLAYOUT_H
