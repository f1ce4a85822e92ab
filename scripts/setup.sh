#!/usr/bin/env bash
# Installs every dependency Mote and its tests use on a Debian 12 machine.
# Idempotent: packages already present are left alone.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build git libgtest-dev clang-format
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  clang-22 libclang-rt-22-dev
  libonnx-dev libprotobuf-dev protobuf-compiler flatbuffers-compiler libflatbuffers-dev
  python3-onnx python3-numpy python3-torch python3-torchvision python3-matplotlib
  dataset-fashion-mnist libonnx-testdata opencv-doc python3-pil python3-opencv
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  gcc-arm-none-eabi picolibc-arm-none-eabi qemu-system-arm valgrind
  mosquitto python3-paho-mqtt
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all apt packages present"
fi

# ONNX Runtime (the reference the integration tests compare against), into a
# project-local folder. Its post-install step would try a download: skip it,
# the CPU binaries ship inside the package.
ORT_VERSION=1.30.0
ORT_DIR="$(cd "$(dirname "$0")/.." && pwd)/.deps"
if [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ] ||
   ! grep -q "\"version\": \"$ORT_VERSION\"" "$ORT_DIR/node_modules/onnxruntime-node/package.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    $SUDO apt-get install -y -q --no-install-recommends nodejs npm
  fi
  echo "setup: installing onnxruntime-node $ORT_VERSION into $ORT_DIR"
  mkdir -p "$ORT_DIR"
  [ -f "$ORT_DIR/package.json" ] || echo '{"name": "mote-deps", "private": true}' > "$ORT_DIR/package.json"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$ORT_DIR" --no-audit --no-fund \
    "onnxruntime-node@$ORT_VERSION"
else
  echo "setup: onnxruntime-node $ORT_VERSION present"
fi

# TensorFlow Lite's interpreter, built for WebAssembly (the reference of the
# TFLite import tests, run by scripts/tflite_run.js), into the same folder.
TFLITE_VERSION=0.0.1-alpha.10
if [ ! -f "$ORT_DIR/node_modules/@tensorflow/tfjs-tflite/package.json" ] ||
   ! grep -q "\"version\": \"$TFLITE_VERSION\"" "$ORT_DIR/node_modules/@tensorflow/tfjs-tflite/package.json"; then
  echo "setup: installing @tensorflow/tfjs-tflite $TFLITE_VERSION into $ORT_DIR"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$ORT_DIR" --no-audit --no-fund \
    "@tensorflow/tfjs-tflite@$TFLITE_VERSION"
else
  echo "setup: @tensorflow/tfjs-tflite $TFLITE_VERSION present"
fi

# TensorFlow Lite 2.2's C library for x86-64 Linux, as the npm package
# node-tflite ships it (no XNNPACK delegate: TFLite's own integer kernels),
# the bit-exact reference of --numerics=tflite (scripts/tflite_builtin_run.py
# calls it through ctypes). Its install script would build a Node addon
# the tests do not use: skipped.
NODE_TFLITE_VERSION=0.0.2
if [ ! -f "$ORT_DIR/node_modules/node-tflite/package.json" ] ||
   ! grep -q "\"version\": \"$NODE_TFLITE_VERSION\"" "$ORT_DIR/node_modules/node-tflite/package.json"; then
  echo "setup: installing node-tflite $NODE_TFLITE_VERSION into $ORT_DIR"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$ORT_DIR" --no-audit --no-fund \
    --ignore-scripts "node-tflite@$NODE_TFLITE_VERSION"
else
  echo "setup: node-tflite $NODE_TFLITE_VERSION present"
fi
