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
  # Graph pictures (kiln inspect --graph).
  graphviz
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
