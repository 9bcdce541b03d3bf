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

} // namespace kiln::codegen

#endif // KILN_CODEGEN_CONSTANTLAYOUT_H
