#!/usr/bin/env bash
# The README's main command: installs and builds kiln, then runs it on the
# model shipped in examples/ (summary, then the model in kiln's graph IR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
model="$root/examples/tiny_cnn.onnx"
echo "== kiln inspect examples/tiny_cnn.onnx"
"$build/bin/kiln" inspect "$model"
echo
echo "== kiln compile examples/tiny_cnn.onnx --emit=graph-opt"
"$build/bin/kiln" compile "$model" --emit=graph-opt
