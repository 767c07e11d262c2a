#!/usr/bin/env bash
# Gathers what a GPU machine with PyTorch but without Debian's development packages lacks —
# yaml-cpp, Abseil, Catch2, nlohmann-json, CLI11, xxHash, PCRE2, ICU and Gloo's headers, with
# their shared libraries and CMake / pkg-config files — into .deps/device/usr (ignored by git),
# laid out like /usr so their CMake package files stay valid when the folder moves.
#   scripts/device/bundle_deps.sh          # then carry .deps/device to the GPU machine
set -euo pipefail
cd "$(dirname "$0")/../.."

PACKAGES=(
  libyaml-cpp-dev libyaml-cpp0.7
  libabsl-dev libabsl20220623
  catch2 nlohmann-json3-dev libcli11-dev
  libxxhash-dev libxxhash0
  libpcre2-dev libpcre2-8-0
  libicu-dev libicu72
  libgloo-dev
)
out=.deps/device
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    echo "bundle_deps: $package is not installed (run scripts/setup.sh first)" >&2
    exit 1
  fi
  # Headers, shared libraries, CMake and pkg-config files; not static archives (but the one
  # Catch2's CMake files check for), documentation, tools, or the ICU libraries terse does not
  # link (i18n, io, tu, test).
  dpkg -L "$package" | grep -E '^/usr/(include|lib|share/(cmake|pkgconfig))/' |
    grep -vE '/(doc|man)/|/icu/[0-9.]+/|libicu(i18n|io|tu|test)' |
    awk '!/\.a$/ || /libCatch2WithMain\.a$/' | while read -r path; do
      if [ -f "$path" ] || [ -L "$path" ]; then
        mkdir -p "$out.tmp$(dirname "$path")"
        cp -P "$path" "$out.tmp$path"
      fi
    done
done
# pkg-config files name prefix=/usr; make them relative to where they are found.
find "$out.tmp" -name '*.pc' -exec sed -i 's|^prefix=/usr$|prefix=${pcfiledir}/../../..|' {} +
rm -rf "$out"
mv "$out.tmp" "$out"
echo "bundle_deps: $(du -sh "$out" | cut -f1) in $out ($(find "$out" -type f | wc -l) files)"
