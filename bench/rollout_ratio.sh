#!/usr/bin/env bash
# Runs `terse bench rollout` and the plain PyTorch reference back to back on the same workload
# and prints both results and terse's speed-up. Default workload: W1 (bench/w1_config.json,
# 64 prompts of 32 tokens, 128 new tokens, fp32).
#   bench/rollout_ratio.sh [--threads T] [--dtype fp32|bf16] [--batch B] [--new-tokens N]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1 dtype=fp32 batch=64 prompt_len=32 new_tokens=128 config=bench/w1_config.json
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --prompt-len) prompt_len=$2; shift 2 ;;
    --new-tokens) new_tokens=$2; shift 2 ;;
    --model-config) config=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
args=(--model-config "$config" --batch "$batch" --prompt-len "$prompt_len" --new-tokens "$new_tokens"
      --threads "$threads" --dtype "$dtype")
terse_json=$(build/terse bench rollout "${args[@]}" --json)
reference_json=$("${PYTHON:-/usr/bin/python3}" bench/reference_rollout.py "${args[@]}")
echo "terse:     $terse_json"
echo "reference: $reference_json"
"${PYTHON:-/usr/bin/python3}" - "$terse_json" "$reference_json" <<'PY'
import json, sys
terse, reference = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio: {terse['tokens_per_s'] / reference['tokens_per_s']:.2f}x "
      f"(terse {terse['tokens_per_s']:.0f} vs reference {reference['tokens_per_s']:.0f} new tokens/s); "
      f"terse at {100 * terse['roofline_fraction']:.0f}% of the {terse['matmul_peak_gflops']:.0f} GFLOP/s matmul peak")
PY
