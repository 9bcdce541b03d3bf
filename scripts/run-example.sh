#!/usr/bin/env bash
# The README's main command: installs and builds kiln, then compiles the model
# shipped in examples/ to an object and a header, links the C example app
# against them, and runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
model="$root/examples/tiny_cnn.onnx"
echo "== kiln inspect examples/tiny_cnn.onnx"
"$build/bin/kiln" inspect "$model"
out="$build/example"
echo
echo "== kiln compile examples/tiny_cnn.onnx -o $out"
"$build/bin/kiln" compile "$model" -o "$out"
echo
echo "== cc examples/c/classify.c $out/tiny_cnn.o -L$out -lkiln_rt -lpthread -lm"
clang-19 -std=c11 -O2 -I"$out" "$root/examples/c/classify.c" "$out/tiny_cnn.o" \
  -L"$out" -lkiln_rt -lpthread -lm -o "$out/classify"
"$out/classify"
