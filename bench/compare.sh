#!/usr/bin/env bash
# Runs a terse benchmark and its plain PyTorch reference back to back on the same workload and
# prints both results and terse's speed-up.
#   bench/compare.sh rollout [--threads T] [--dtype fp32|bf16] [--batch B] [--prompt-len P] [--new-tokens N]
#   bench/compare.sh train   [--threads T] [--dtype fp32|bf16] [--batch B] [--seq-len S]
# Without --model-config the workload is W1 (bench/w1_config.json) with each benchmark's defaults
# (rollout: 64 prompts of 32 tokens, 128 new tokens; train: 16 sequences of 160 tokens).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-}"
case "$kind" in
  rollout | train) shift ;;
  *) echo "usage: bench/compare.sh rollout|train [flags]" >&2; exit 2 ;;
esac
args=("$@")
[[ " $* " == *" --model-config "* ]] || args+=(--model-config bench/w1_config.json)
python="${PYTHON:-/usr/bin/python3}"
terse_json=$(build/terse bench "$kind" "${args[@]}" --json)
reference_json=$("$python" "bench/reference_${kind}.py" "${args[@]}")
echo "terse:     $terse_json"
echo "reference: $reference_json"
"$python" - "$terse_json" "$reference_json" <<'PY'
import json, sys
terse, reference = json.loads(sys.argv[1]), json.loads(sys.argv[2])
unit = "new tokens/s" if terse["benchmark"] == "rollout" else "tokens/s"
print(f"ratio: {terse['tokens_per_s'] / reference['tokens_per_s']:.2f}x "
      f"(terse {terse['tokens_per_s']:.0f} vs reference {reference['tokens_per_s']:.0f} {unit}); "
      f"terse at {100 * terse['roofline_fraction']:.0f}% of the "
      f"{terse['matmul_peak_gflops']:.0f} GFLOP/s matmul peak")
PY
