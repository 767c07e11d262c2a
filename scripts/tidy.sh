#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) on the C++ sources changed since BASE (default: the previous
# commit), with the compile commands of ./build; any warning fails the run. A whole-tree run
# takes about an hour on two cores (LibTorch's headers), so CI checks what the last commit changed.
#   scripts/tidy.sh              # files changed by the last commit
#   scripts/tidy.sh main~5       # files changed since main~5
#   scripts/tidy.sh --all        # every source file
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
[ -f "$build_dir/compile_commands.json" ] || {
  echo "tidy: $build_dir/compile_commands.json is missing: run scripts/setup.sh first" >&2
  exit 2
}
if [ "${1:-}" = "--all" ]; then
  mapfile -t files < <(git ls-files '*.cpp')
else
  base="${1:-HEAD~1}"
  git rev-parse --verify -q "$base" > /dev/null || base="$(git hash-object -t tree /dev/null)"
  mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- '*.cpp')
fi
# Only files the build compiles (compile_commands.json) can be checked: not the fuzz targets or
# the sanitizer project's.
checked=()
for file in "${files[@]}"; do
  grep -q "\"file\": \".*/$file\"" "$build_dir/compile_commands.json" && checked+=("$file")
done
if ((${#checked[@]} == 0)); then
  echo "tidy: no changed source files to check"
  exit 0
fi
# clang cannot read GCC's precompiled headers: check those files with the headers themselves.
mkdir -p "$build_dir/tidy"
python3 - "$build_dir/compile_commands.json" "$build_dir/tidy/compile_commands.json" <<'PY'
import json, re, sys
commands = json.load(open(sys.argv[1]))
for entry in commands:
    entry["command"] = re.sub(r" -Winvalid-pch| -include \S*cmake_pch\.hxx", "", entry["command"])
json.dump(commands, open(sys.argv[2], "w"))
PY
echo "tidy: checking ${#checked[@]} files"
log="$build_dir/tidy/tidy.log"
status=0
printf '%s\n' "${checked[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy -p "$build_dir/tidy" --quiet --warnings-as-errors='*' \
    > "$log" 2>&1 || status=$?
grep -v -e "warnings generated" -e "^Suppressed" -e "^Use -header-filter" "$log" || true
if ((status != 0)); then
  echo "tidy: the findings above fail the check (fix them, or argue the rule in .clang-tidy)"
  exit 1
fi
echo "tidy: ${#checked[@]} files clean"
