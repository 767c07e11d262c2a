#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs each from its committed corpus for a fixed number of executions (about a minute each
# on the 2-core machine) with a fixed seed. Runs are repeatable only as far as the targets are:
# the config target reads files, so the file system (paths, permissions) can steer it. SECONDS
# (default 120) caps each target's time. New inputs go to a scratch corpus, so the repository is
# not modified; a crash leaves its input in build-fuzz/ and fails.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
declare -A runs=([config]=250000 [tokenizer]=150000 [verifier]=600000 [safetensors]=150000)
export CCACHE_BASEDIR="$PWD"
CXX=clang++ cmake -S fuzz -B build-fuzz -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-fuzz -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
for target in config tokenizer verifier safetensors; do
  scratch="$(mktemp -d)"
  log="build-fuzz/${target}.log"
  if ! (cd build-fuzz && "./${target}_fuzzer" "$scratch" "../fuzz/corpus/${target}" \
          -seed=1 -runs="${runs[$target]}" -max_total_time="$seconds" -max_len=65536 \
          -timeout=10 -rss_limit_mb=2048 \
          -print_final_stats=1 > "${target}.log" 2>&1); then
    tail -40 "$log"
    echo "fuzz: ${target}_fuzzer FAILED (input saved in build-fuzz/, log in $log)"
    exit 1
  fi
  executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: ${target}_fuzzer ok: ${executed} executions"
  rm -rf "$scratch"
done
