#!/usr/bin/env bash
# Compiles a public model with `kiln compile`, links it into the generic C app
# (examples/c/run_model.c) with the link line from the docs, runs the app on
# seeded inputs, and compares its outputs with ONNX Runtime (rtol 1e-3,
# atol 1e-4).
#   app_vs_ort.sh KILN SOURCE_DIR WORK_DIR MODEL [OPSET]
set -euo pipefail
kiln=$1
src=$2
work=$3
name=$4
opset=${5:-13}
models="$work/models-opset$opset"
model="$models/$name-opset$opset.onnx"
mkdir -p "$models"
if [ ! -f "$model" ]; then
  /usr/bin/python3 "$src/tests/models/export_models.py" --opset "$opset" "$models" "$name" \
    > "$models/$name.export.log" 2>&1 || { cat "$models/$name.export.log"; exit 1; }
fi
dir="$work/app-$name-opset$opset"
rm -rf "$dir"
mkdir -p "$dir"
"$kiln" compile "$model" -o "$dir/out" --name net
upper=NET
${CC:-clang-19} -std=c11 -O2 -Wall -Werror -I"$dir/out" -DMODEL=net -DMODEL_UPPER=$upper \
  -DMODEL_HEADER='"net.h"' "$src/examples/c/run_model.c" "$dir/out/net.o" \
  -L"$dir/out" -lkiln_rt -lpthread -lm -o "$dir/run_model"
/usr/bin/python3 "$src/tests/e2e/compare_app_with_ort.py" "$model" "$dir" "$dir/run_model"
