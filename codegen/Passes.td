//===- Passes.td - kiln code generation passes ------------------*- tablegen -*-===//
//
// Passes that take the graph dialect down to machine code: conversion to
// upstream linalg/tensor, the static memory plan, and the entry-point ABI.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerGraphToLinalg : Pass<"kiln-lower-graph-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lowers graph dialect ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every graph op becomes upstream MLIR on tensors: named linalg ops where one
    exists (matmul, batch_matmul, convolutions, pooling, transpose, fill),
    `linalg.generic` for elementwise families (with numpy broadcasting spelled
    out as indexing maps) and reductions, and tensor ops for data movement
    (reshapes, slices, pads, concatenation). Unsigned integer tensors become
    signless ones; ops whose meaning depends on signedness pick the unsigned
    arith op from the original type.

    Code generation works on static shapes: a graph op whose operands or
    results are not fully static, or whose shape operands (Slice starts, Pad
    pads, reduction axes...) are not constants after folding, is reported at
    its ONNX node. An op with no lowering fails the pass with a diagnostic
    naming the node.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::bufferization::BufferizationDialect"
  ];
}

#endif // KILN_CODEGEN_PASSES_TD
