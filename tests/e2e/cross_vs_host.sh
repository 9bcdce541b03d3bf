#!/usr/bin/env bash
# Exports a public model with torch (cached in WORK_DIR, shared with
# model_vs_ort.sh), then builds its runner for the host and for TARGET and
# compares the two under QEMU (cross_vs_host.py; exit 77 = emulator missing).
#   cross_vs_host.sh KILN SOURCE_DIR WORK_DIR MODEL TARGET [CPU [QEMU_CPU]]
set -euo pipefail
kiln=$1
src=$2
work=$3
name=$4
target=$5
cpu=${6:-}
qemu_cpu=${7:-}
opset=13
models="$work/models-opset$opset"
model="$models/$name-opset$opset.onnx"
mkdir -p "$models"
if [ ! -f "$model" ]; then
  # Export into a private directory and move into place: tests run in parallel.
  tmp=$(mktemp -d "$models/.export-XXXXXX")
  /usr/bin/python3 "$src/tests/models/export_models.py" --opset "$opset" "$tmp" "$name" \
    > "$tmp/$name.export.log" 2>&1 || { cat "$tmp/$name.export.log"; exit 1; }
  mv -f "$tmp/$name-opset$opset.onnx" "$model"
  rm -rf "$tmp"
fi
args=(--kiln "$kiln" --target "$target" --work "$work/cross-$name-$target${cpu:+-$cpu}")
[ -n "$cpu" ] && args+=(--cpu "$cpu")
[ -n "$qemu_cpu" ] && args+=(--qemu-cpu "$qemu_cpu")
exec /usr/bin/python3 "$src/tests/e2e/cross_vs_host.py" "${args[@]}" "$model"
