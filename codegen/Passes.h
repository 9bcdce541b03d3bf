//===- Passes.h - kiln code generation passes -------------------*- C++ -*-===//

#ifndef KILN_CODEGEN_PASSES_H
#define KILN_CODEGEN_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln::codegen {

/// Marks the `scf.for` over chunks of output rows that
/// kiln-convert-conv-to-gemm builds around a large convolution's patches
/// and product; kiln-tile-and-vectorize tiles the product inside it.
inline constexpr llvm::StringLiteral kRowChunksAttrName = "kiln.row_chunks";

/// Whether `op` is a kernel the tiling passes transform: at the function's
/// top level or in a loop over row chunks. Kernels inside other loops
/// (recurrences: Loop, Scan, LSTM steps) keep their form, as a parallel
/// loop there would break the in-place bufferization of the loop-carried
/// state.
inline bool isTileableKernel(mlir::Operation *op) {
  mlir::Operation *parent = op->getParentOp();
  if (parent && parent->getName().getStringRef() == "scf.for" &&
      parent->hasAttr(kRowChunksAttrName))
    parent = parent->getParentOp();
  return parent && parent->getName().getStringRef() == "func.func";
}

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

} // namespace kiln::codegen

#endif // KILN_CODEGEN_PASSES_H
