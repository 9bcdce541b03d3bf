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

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

} // namespace kiln::codegen

#endif // KILN_CODEGEN_PASSES_H
