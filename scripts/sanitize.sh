#!/usr/bin/env bash
# Builds the LibTorch-free unit tests (tests/sanitize/: tokenizers, config loader and writer,
# data, reward) with clang under AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/,
# and runs each; any report fails the run (UBSan does not recover, LeakSanitizer is on).
#   scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
CXX=clang++ cmake -S tests/sanitize -B build-asan -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for test in tokenizer_tests config_tests data_tests reward_tests; do
  log="build-asan/${test}.log"
  if ! "build-asan/${test}" > "$log" 2>&1; then
    tail -60 "$log"
    echo "sanitize: ${test} FAILED (log in $log)"
    exit 1
  fi
  echo "sanitize: ${test} ok: $(grep -E '^All tests passed|^test cases:' "$log" | tail -1)"
done
