#!/usr/bin/env bash
# Installs what kiln needs, builds it, and runs the whole test suite (unit,
# lit/FileCheck, model import, docs freshness, ONNX node-test conformance)
# through ctest, then prints the conformance summary.
#   scripts/test.sh           the full suite (what CI runs)
#   scripts/test.sh --quick   skips the tests that export torchvision models
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
if [ "${1:-}" = "--quick" ]; then
  export LIT_OPTS="${LIT_OPTS:-} --filter-out=models/"
fi
cd "$build"
status=0
ctest --output-on-failure -j 2 || status=$?
summary="$build/tests/conformance/summary.txt"
if [ -f "$summary" ]; then
  echo "ONNX node tests: $(cat "$summary")"
fi
exit "$status"
