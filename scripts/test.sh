#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test of Mote in two tiers
# of one lit suite:
#   check-mote              hermetic and fast: dialects, passes, conversions,
#                           importer, motec, C++ and runtime unit tests, docs
#   check-mote-integration  generated code against ONNX Runtime, the Arm
#                           targets under QEMU, training, the ONNX node tests,
#                           torchvision, fuzzing
# Prints each tier's counts, time and slowest tests (lit --time-tests),
# and ends with the line
# "check-mote: N passed, N failed, N skipped" over both; exits non-zero when
# any test fails. MOTE_TIERS=unit (or integration) runs one tier only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh mote-opt mote-translate motec mote-doc \
  mote-runtime-test-requant mote-runtime-test-kernels mote-runtime-test-tflite mote-runtime-test-train \
  mote-runtime-test-sgq mote-runtime-test-mqtt mote-runtime-test-wire mote-runtime-test-pass mote_sgq \
  mote-unit-tests \
  mote-import-fuzzer mote-tflite-fuzzer mote-state-fuzzer mote-sgq-fuzzer mote-mqtt-fuzzer mote-wire-fuzzer
BUILD_DIR=${MOTE_BUILD_DIR:-build}
TIERS=${MOTE_TIERS:-unit integration}
UNIT_DIRS="Dialect Transforms Conversion Target Tools Unit"
INTEGRATION_DIRS="Integration Conformance Targets Training Collab fuzz"

total_passed=0 total_failed=0 total_skipped=0
for tier in $TIERS; do
  case $tier in
    unit) name=check-mote; dirs=$UNIT_DIRS ;;
    integration) name=check-mote-integration; dirs=$INTEGRATION_DIRS ;;
    *) echo "test.sh: unknown tier '$tier' (unit, integration)" >&2; exit 2 ;;
  esac
  paths=()
  for d in $dirs; do
    mkdir -p "$BUILD_DIR/test/$d"
    paths+=("$BUILD_DIR/test/$d")
  done
  log=$(mktemp)
  status=0
  start=$(date +%s)
  /usr/lib/llvm-22/bin/lit -sv --time-tests -j "${MOTE_JOBS:-2}" "${paths[@]}" 2>&1 | tee "$log" || status=$?
  seconds=$(( $(date +%s) - start ))
  count() { awk -v key="$1" '$1 == key":" { n += $2 } END { print n + 0 }' "$log"; }
  passed=$(( $(count Passed) + $(count Expectedly) ))
  failed=$(( $(count Failed) + $(count Unresolved) + $(count Timed) + $(count Unexpectedly) ))
  skipped=$(( $(count Unsupported) + $(count Excluded) ))
  rm -f "$log"
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  echo "$name tier: $passed passed, $failed failed, $skipped skipped in $seconds s"
  total_passed=$(( total_passed + passed ))
  total_failed=$(( total_failed + failed ))
  total_skipped=$(( total_skipped + skipped ))
done
echo "check-mote: $total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
