#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test of Mote (the check-mote
# lit suite: dialect, passes, importer, MLPerf Tiny models, runtime C tests,
# importer fuzzing). Ends with the line "check-mote: N passed, N failed,
# N skipped"; exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh mote-opt mote-translate motec mote-doc \
  mote-runtime-test-requant mote-runtime-test-kernels mote-unit-tests mote-import-fuzzer mote-state-fuzzer
BUILD_DIR=${MOTE_BUILD_DIR:-build}

log=$(mktemp)
status=0
/usr/lib/llvm-22/bin/lit -sv -j "${MOTE_JOBS:-2}" "$BUILD_DIR/test" 2>&1 | tee "$log" || status=$?

count() { awk -v key="$1" '$1 == key":" { n += $2 } END { print n + 0 }' "$log"; }
passed=$(( $(count Passed) + $(count Expectedly) ))
failed=$(( $(count Failed) + $(count Unresolved) + $(count Timed) + $(count Unexpectedly) ))
skipped=$(( $(count Unsupported) + $(count Excluded) ))
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "check-mote: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
