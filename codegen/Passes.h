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

/// Marks the `scf.forall` over (head, block of query rows) that
/// kiln-fuse-attention builds: each iteration computes its block's scores,
/// softmax and product with the values. The passes after it tile and
/// vectorize the kernels inside, with sequential loops.
inline constexpr llvm::StringLiteral kFusedAttentionAttrName = "kiln.fused_attention";

/// Whether `op` is a kernel inside one iteration of a fused attention loop:
/// its tiles are then sequential loops, the parallelism being outside.
inline bool isInParallelTile(mlir::Operation *op) {
  mlir::Operation *parent = op->getParentOp();
  return parent && parent->getName().getStringRef() == "scf.forall" &&
         parent->hasAttr(kFusedAttentionAttrName);
}

/// Whether `op` is a kernel the tiling passes transform: at the function's
/// top level, in a loop over row chunks or in a fused attention tile.
/// Kernels inside other loops (recurrences: Loop, Scan, LSTM steps) keep
/// their form, as a parallel loop there would break the in-place
/// bufferization of the loop-carried state.
inline bool isTileableKernel(mlir::Operation *op) {
  if (isInParallelTile(op))
    return true;
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
