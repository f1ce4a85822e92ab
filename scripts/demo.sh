#!/usr/bin/env bash
# Installs dependencies, builds Mote and runs the main job on the bundled
# example: import the tiny QDQ CNN, fold it to integer ops and report its
# layers (motec info).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh motec mote-opt mote-translate
BUILD_DIR=${MOTE_BUILD_DIR:-build}
"$BUILD_DIR/bin/motec" info examples/tiny_qdq_cnn.onnxtxt
