#!/usr/bin/env bash
# Runs `terse bench train` and the plain PyTorch reference back to back on the same workload and
# prints both results and terse's speed-up. Default workload: W1 (bench/w1_config.json), 16
# sequences of 160 tokens, fp32.
#   bench/train_ratio.sh [--threads T] [--dtype fp32|bf16] [--batch B] [--seq-len S]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1 dtype=fp32 batch=16 seq_len=160 config=bench/w1_config.json
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --seq-len) seq_len=$2; shift 2 ;;
    --model-config) config=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
args=(--model-config "$config" --batch "$batch" --seq-len "$seq_len" --threads "$threads"
      --dtype "$dtype")
python="${PYTHON:-/usr/bin/python3}"
terse_json=$(build/terse bench train "${args[@]}" --json)
reference_json=$("$python" bench/reference_train.py "${args[@]}")
echo "terse:     $terse_json"
echo "reference: $reference_json"
"$python" - "$terse_json" "$reference_json" <<'PY'
import json, sys
terse, reference = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio: {terse['tokens_per_s'] / reference['tokens_per_s']:.2f}x "
      f"(terse {terse['tokens_per_s']:.0f} vs reference {reference['tokens_per_s']:.0f} tokens/s); "
      f"terse at {100 * terse['roofline_fraction']:.0f}% of the {terse['matmul_peak_gflops']:.0f} GFLOP/s matmul peak")
PY
