#!/usr/bin/env bash
# The ctest driver of the ONNX backend node tests (onnx 1.12):
#   run_conformance.sh PYTHON KILN OUTDIR
# generates the test cases into OUTDIR once (OUTDIR/node/...), runs them all
# through KILN against expected_failures.txt, keeps the per-case log in
# OUTDIR/conformance.log and the final `N passed, N failed, N skipped` line in
# OUTDIR/summary.txt. Exits 1 when a case fails unexpectedly or an expected
# failure passes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$1" kiln="$2" out="$3"
mkdir -p "$out"
rm -f "$out/summary.txt"
if [ ! -f "$out/generated.stamp" ]; then
  "$python" "$here/generate_node_tests.py" "$out"
  touch "$out/generated.stamp"
fi
status=0
"$python" "$here/run_node_tests.py" --kiln "$kiln" --cases "$out/node" \
  --expected "$here/expected_failures.txt" --jobs 2 | tee "$out/conformance.log" ||
  status=$?
grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out/conformance.log" \
  > "$out/summary.txt" || true
exit "$status"
