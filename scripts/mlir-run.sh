#!/usr/bin/env bash
# Developer tool: runs a .mlir file whose @main takes no arguments (graph
# dialect or upstream ops on tensors; print results with
# `call @printMemrefF32(tensor<*xf32>)`) through kiln's lowering and the MLIR
# JIT runner, to check a lowering numerically without the object-file path.
#   scripts/mlir-run.sh FILE.mlir [BUILD_DIR]
set -euo pipefail
file=$1
build=${2:-$(dirname "$0")/../build}
llvm=/usr/lib/llvm-19
"$build/bin/kiln-opt" "$file" --kiln-lower-graph-to-linalg --canonicalize \
  --one-shot-bufferize="bufferize-function-boundaries" \
  --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
  --lower-affine --arith-expand --convert-math-to-llvm --convert-math-to-libm \
  --finalize-memref-to-llvm --convert-arith-to-llvm --convert-index-to-llvm \
  --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts |
  "$llvm/bin/mlir-cpu-runner" -e main -entry-point-result=void \
    -shared-libs="$llvm/lib/libmlir_runner_utils.so,$llvm/lib/libmlir_c_runner_utils.so"
