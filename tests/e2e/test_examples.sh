#!/usr/bin/env bash
# Compiles the example model, builds the C and C++ example apps against the
# object and header exactly as docs/user-guide.md says, runs them, and checks
# the C app's output against `kiln run` on the same (deterministic) input.
#   test_examples.sh KILN SOURCE_DIR WORK_DIR
set -euo pipefail
kiln=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
out="$work/out"

"$kiln" compile "$src/examples/tiny_cnn.onnx" -o "$out"
for file in tiny_cnn.o tiny_cnn.h libkiln_rt.a kiln_rt.h; do
  [ -f "$out/$file" ] || { echo "FAIL: kiln compile did not write $file"; exit 1; }
done

cc=${CC:-clang-19}
cxx=${CXX:-clang++-19}
"$cc" -std=c11 -Wall -Wextra -Werror -I"$out" "$src/examples/c/classify.c" "$out/tiny_cnn.o" \
  -L"$out" -lkiln_rt -lpthread -lm -o "$work/classify"
"$cxx" -std=c++17 -Wall -Wextra -Werror -I"$out" "$src/examples/cpp/batch.cpp" \
  "$out/tiny_cnn.o" -L"$out" -lkiln_rt -lpthread -lm -o "$work/batch"

"$work/classify" > "$work/classify.txt"
cat "$work/classify.txt"
"$work/batch"

# kiln run fills inputs it is not given with the same pattern classify.c uses.
"$kiln" run "$src/examples/tiny_cnn.onnx" -o "$work/run"
/usr/bin/python3 - "$work/classify.txt" "$work/run/probabilities.npy" <<'PY'
import sys
import numpy as np
app = [float(line.split(":")[1]) for line in open(sys.argv[1]) if line.startswith("class ")]
ref = np.load(sys.argv[2]).reshape(-1)
if len(app) != ref.size or not np.allclose(app, ref, rtol=1e-5, atol=1e-6):
    print("FAIL: the C app and kiln run disagree:", app, ref.tolist())
    sys.exit(1)
print(f"ok: the C app matches kiln run on {ref.size} outputs")
PY
