#!/usr/bin/env bash
# The generated header must compile as strict C99 and as C++17, for a model
# whose tensor names are not C identifiers and whose dtypes are not float.
#   test_header.sh KILN SOURCE_DIR WORK_DIR
set -euo pipefail
kiln=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
/usr/bin/python3 "$src/tests/e2e/make_e2e_model.py" odd_names "$work/odd.onnx"
"$kiln" compile "$work/odd.onnx" -o "$work/out" --name odd_model
cat > "$work/use.c" <<'C'
#include "odd_model.h"
static int64_t shape[] = ODD_MODEL_INPUT_input_1_SHAPE;
int use(odd_model_inputs *in, odd_model_outputs *out, void *ws) {
  (void)shape;
  return odd_model_run(in, out, ws, (kiln_context_t *)0);
}
C
cp "$work/use.c" "$work/use.cpp"
cc=${CC:-clang-19}
cxx=${CXX:-clang++-19}
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$work/out" -c "$work/use.c" -o "$work/use_c.o"
"$cxx" -std=c++17 -pedantic -Wall -Wextra -Werror -I"$work/out" -c "$work/use.cpp" -o "$work/use_cpp.o"
grep -q "const int64_t \*input_1;" "$work/out/odd_model.h"
grep -q "uint8_t \*x_y;" "$work/out/odd_model.h"
echo "ok: odd_model.h compiles as C99 and C++17"
