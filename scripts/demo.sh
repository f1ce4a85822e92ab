#!/usr/bin/env bash
# The main job on the bundled example: install dependencies, build Mote,
# train the example CNN on Fashion-MNIST and quantize it to an INT8 QDQ ONNX
# model (examples/fashion_mnist, Debian's torch and dataset), compile it to
# a C package, and run the generated C on the 10,000 test images next to
# ONNX Runtime on the same model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh motec mote-opt mote-translate
BUILD_DIR=${MOTE_BUILD_DIR:-build}
MOTEC="$BUILD_DIR/bin/motec"
OUT=${MOTE_DEMO_DIR:-$BUILD_DIR/demo}
mkdir -p "$OUT"

if [ ! -f "$OUT/fashion_cnn.onnx" ]; then
  /usr/bin/python3 examples/fashion_mnist/train_and_quantize.py "$OUT"
fi
"$MOTEC" info "$OUT/fashion_cnn.onnx" | tail -4
"$MOTEC" compile "$OUT/fashion_cnn.onnx" -o "$OUT/fashion_cnn"
make -s -C "$OUT/fashion_cnn"
echo "built $OUT/fashion_cnn/libfashion_cnn.a"
/usr/bin/python3 examples/fashion_mnist/evaluate.py "$OUT" --motec "$MOTEC"
