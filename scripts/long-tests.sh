#!/usr/bin/env bash
# Long runs that do not fit the CI budget (run after scripts/test.sh has
# built everything):
#   - libFuzzer on the ONNX importer and on the trained-state parsers,
#     MOTE_FUZZ_SECONDS each (default 3600; CI runs 60 and 30);
#   - the torchvision models too large for CI (ResNet-18, EfficientNet-B0)
#     through FP32 and INT8 C against ONNX Runtime;
#   - on-device training on the whole Fashion-MNIST training set, 3 epochs,
#     PyTorch, FP32 C and INT8 C side by side (CI trains on 10,000 images);
#   - the ONNX model suites pytorch-converted and pytorch-operator through
#     compiled C (CI runs the node tests and the simple suite).
# Exits non-zero on a fuzzer finding or a failed training check.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${MOTE_BUILD_DIR:-build}
SECONDS_EACH=${MOTE_FUZZ_SECONDS:-3600}
OUT=${MOTE_LONG_OUT:-$BUILD_DIR/long-tests}
PY=/usr/bin/python3
mkdir -p "$OUT"
export PATH="$PWD/$BUILD_DIR/bin:$PATH"

echo "long-tests: importer fuzzer, $SECONDS_EACH s"
mkdir -p "$OUT/import-corpus"
$PY test/fuzz/make_corpus.py "$OUT/import-seeds"
mote-import-fuzzer -max_total_time="$SECONDS_EACH" -timeout=10 \
  -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$OUT/" \
  "$OUT/import-corpus" "$OUT/import-seeds" test/fuzz/regressions

echo "long-tests: state fuzzer, $SECONDS_EACH s"
mkdir -p "$OUT/state-corpus"
$PY test/fuzz/make_state_seeds.py "$OUT/state-seeds"
motec weights unpack "$OUT/state-seeds/image.bin" -o "$OUT/state-seeds/weights.mtw"
mote-state-fuzzer -max_total_time="$SECONDS_EACH" -timeout=10 \
  -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$OUT/" \
  "$OUT/state-corpus" "$OUT/state-seeds" test/fuzz/state-regressions

echo "long-tests: torchvision ResNet-18, EfficientNet-B0 and MobileNetV2, FP32 and INT8 C against ONNX Runtime"
$PY examples/torchvision/export_models.py "$OUT/torchvision" --models resnet18,efficientnet_b0,mobilenet_v2
for model in resnet18 efficientnet_b0 mobilenet_v2; do
  $PY test/Integration/compare_qdq_ort.py "$OUT/torchvision/$model.onnx" \
    "$OUT/torchvision/calibration.npy" "$OUT/torchvision/eval.npy" \
    "$OUT/torchvision/$model" --motec motec --method percentile
done

echo "long-tests: Fashion-MNIST on-device training, all 60,000 images, 3 epochs"
$PY examples/training/train_on_device.py "$OUT/training" --motec motec --epochs 3
echo "long-tests: ONNX pytorch-converted and pytorch-operator suites"
$PY test/Conformance/run_node_tests.py --motec motec --work "$OUT/conformance" \
  --suites pytorch-converted,pytorch-operator

echo "long-tests: done"
