#!/usr/bin/env bash
# Installs dependencies, builds Mote and runs the main job on the bundled
# example (a tiny QDQ-quantized CNN): summarize it, compile it to a C
# package, and compile-build-run it on an input image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh motec mote-opt mote-translate
BUILD_DIR=${MOTE_BUILD_DIR:-build}
MOTEC="$BUILD_DIR/bin/motec"
OUT=${MOTE_DEMO_DIR:-$BUILD_DIR/demo}
mkdir -p "$OUT"

"$MOTEC" info examples/tiny_qdq_cnn.onnxtxt
"$MOTEC" compile examples/tiny_qdq_cnn.onnxtxt -o "$OUT/tiny_qdq_cnn"
make -s -C "$OUT/tiny_qdq_cnn"
echo "built $OUT/tiny_qdq_cnn/libtiny_qdq_cnn.a"

/usr/bin/python3 - "$OUT/image.npy" <<'PY'
import sys
import numpy as np
# A vertical bar on a dark background.
image = np.zeros((1, 1, 8, 8), np.float32)
image[0, 0, :, 3:5] = 0.9
np.save(sys.argv[1], image)
PY
"$MOTEC" run examples/tiny_qdq_cnn.onnxtxt --input "$OUT/image.npy" --output "$OUT/scores.npy"
/usr/bin/python3 -c "import numpy as np, sys; print('scores:', np.load(sys.argv[1]).ravel())" "$OUT/scores.npy"
