#!/usr/bin/env bash
# Installs every Debian package kiln needs to build and test. Safe to re-run:
# apt-get skips what is already installed, and the update runs only when a
# package is missing.
set -euo pipefail

packages=(
  # Toolchain: LLVM/MLIR 19 and the build tools.
  llvm-19-dev libmlir-19-dev mlir-19-tools clang-19 lld-19 llvm-19-tools
  cmake ninja-build ccache
  # ONNX model parsing and shape inference.
  libprotobuf-dev protobuf-compiler libonnx-dev
  # Libraries used by the compiler and its tests.
  libfmt-dev catch2 zlib1g-dev libzstd-dev libedit-dev libcurl4-openssl-dev libxml2-dev
  # Test-time model generation (Debian's Python, not any pyenv one).
  python3 python3-numpy python3-onnx python3-torch python3-torchvision
  # Graph pictures (kiln inspect --graph) and charts (kiln inspect --memory, bench).
  graphviz python3-matplotlib
  # Cross targets: sysroots for the runtime and runners, emulators for the tests.
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
  libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-riscv64-cross
  gcc-arm-none-eabi libnewlib-arm-none-eabi
  qemu-user qemu-system-arm
  # Node.js (its npm installs ONNX Runtime, the reference in tests and benchmarks).
  nodejs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages present"
fi

# ONNX Runtime for tests and benchmarks only, from npm. --ignore-scripts: its
# install script would fetch GPU files; the CPU library is in the package.
root="$(cd "$(dirname "$0")/.." && pwd)"
ort="$root/tests/node/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
if [ ! -f "$ort" ]; then
  if ! command -v npm > /dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  fi
  echo "install-deps: installing onnxruntime-node into tests/node"
  (cd "$root/tests/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
