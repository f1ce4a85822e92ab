#!/usr/bin/env bash
# Configures (once) and builds Mote in build/ with Debian's clang 22 and
# MLIR 22, including the importer fuzzer. Usage: scripts/build.sh [ninja args]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${MOTE_BUILD_DIR:-build}
JOBS=${MOTE_JOBS:-2}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DMOTE_ENABLE_FUZZER=ON
fi
ninja -C "$BUILD_DIR" -j "$JOBS" "$@"
