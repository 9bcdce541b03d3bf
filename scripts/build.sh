#!/usr/bin/env bash
# Configures and builds kiln with Ninja and ccache into build/ (or $KILN_BUILD_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"
cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
# Two cores: one compile job per core keeps MLIR's heavy headers within memory.
ninja -C "$build" -j "$(nproc)"
