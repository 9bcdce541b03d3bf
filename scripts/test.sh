#!/usr/bin/env bash
# Installs what kiln needs, builds it, and runs the whole test suite (unit,
# lit/FileCheck, model import, docs freshness) through ctest.
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
ctest --output-on-failure -j 2
