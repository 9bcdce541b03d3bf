#!/usr/bin/env bash
# Exports a public model with torch (cached in WORK_DIR), compiles and runs it
# with kiln, runs it with ONNX Runtime, and compares (rtol 1e-3, atol 1e-4).
#   model_vs_ort.sh KILN SOURCE_DIR WORK_DIR MODEL [OPSET] [THREADS] [OPT_LEVEL]
set -euo pipefail
kiln=$1
src=$2
work=$3
name=$4
opset=${5:-13}
threads=${6:-1}
opt=${7:-2}
models="$work/models-opset$opset"
mkdir -p "$models"
model="$models/$name-opset$opset.onnx"
if [ ! -f "$model" ]; then
  /usr/bin/python3 "$src/tests/models/export_models.py" --opset "$opset" "$models" "$name" \
    > "$models/$name.export.log" 2>&1 || { cat "$models/$name.export.log"; exit 1; }
fi
/usr/bin/python3 "$src/tests/e2e/compare_with_ort.py" --kiln "$kiln" \
  --rtol 1e-3 --atol 1e-4 --threads "$threads" -O "$opt" \
  --work "$work/$name-opset$opset-t$threads-O$opt" \
  "$model"
