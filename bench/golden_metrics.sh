#!/usr/bin/env bash
# Behaviour check for refactors: runs fixed-seed SFT and RL runs (GRPO and PPO, one rank and two,
# colocated and disaggregated) of a tiny model and keeps each run's non-timing metrics.
#   bench/golden_metrics.sh run DIR          writes DIR/<name>.jsonl with build/terse
#   bench/golden_metrics.sh compare OLD NEW  exits 1 unless every shared metric is equal
# Float rounding differs between CPUs: compare runs of the same machine only.
set -euo pipefail
cd "$(dirname "$0")/.."
terse="${TERSE:-build/terse}"
python="${PYTHON:-/usr/bin/python3}"

tiny="model.hidden_size=32 model.num_layers=1 model.num_heads=2 model.num_kv_heads=2
  model.intermediate_size=64 model.max_seq_len=384 data.train_size=64 data.test_size=16
  runtime.threads=1 run.seed=5"
rl="$tiny rollout.group_size=4 rollout.max_new_tokens=24 trainer.batch_prompts=4 trainer.lr=0.01
  trainer.steps=6 trainer.eval_every=3 trainer.save_every=3 trainer.eval_problems=8
  reward.length_penalty.kind=linear reward.length_penalty.alpha=1"

# name | launch ranks (0: plain) | command and settings
runs=(
  "sft|0|sft $tiny trainer.steps=8 trainer.eval_every=4 trainer.save_every=4 trainer.sft.batch_size=8 trainer.lr=0.003"
  "sft_2ranks|2|sft $tiny trainer.steps=8 trainer.eval_every=4 trainer.save_every=4 trainer.sft.batch_size=8 trainer.lr=0.003"
  "grpo|0|train $rl"
  "grpo_filters|0|train $rl trainer.loss.kl=k3 trainer.loss.kl_coef=0.05 trainer.filter.gfpo_keep=2
     trainer.filter.mask_truncated=true trainer.filter.dynamic_sampling=true trainer.filter.refill=true"
  "grpo_2ranks|2|train $rl"
  "grpo_disaggregated|2|train $rl rollout.workers=1"
  "ppo_head|0|train $rl trainer.algorithm=ppo trainer.epochs=2 trainer.minibatches=2"
  "ppo_critic|0|train $rl trainer.algorithm=ppo trainer.ppo.separate_critic=true"
)

strip() {  # metrics.jsonl without the keys that measure time or speed
  "$python" -c '
import json, sys
for line in open(sys.argv[1]):
    record = json.loads(line)
    kept = {k: v for k, v in record.items()
            if not (k.startswith("time") or "per_s" in k or k in ("cpu_user_s", "cpu_sys_s", "page_faults"))}
    print(json.dumps(kept, sort_keys=True))' "$1"
}

case "${1:-}" in
  run)
    out="$2"; mkdir -p "$out"; work="$(mktemp -d)"
    for entry in "${runs[@]}"; do
      IFS='|' read -r name ranks args <<<"${entry//$'\n'/ }"
      prefix=()
      [[ "$ranks" != 0 ]] && prefix=(launch --nproc "$ranks" --)
      # shellcheck disable=SC2086
      "$terse" "${prefix[@]}" $args run.dir="$work" run.name="$name" >"$work/$name.log" 2>&1 ||
        { echo "$name failed: $work/$name.log" >&2; exit 1; }
      strip "$work/$name/metrics.jsonl" >"$out/$name.jsonl"
      echo "$name: $(wc -l <"$out/$name.jsonl") steps"
    done
    rm -rf "$work" ;;
  compare)
    "$python" - "$2" "$3" <<'PY'
import json, pathlib, sys
old_dir, new_dir = map(pathlib.Path, sys.argv[1:3])
failed = False
for old_file in sorted(old_dir.glob("*.jsonl")):
    new_file = new_dir / old_file.name
    old = [json.loads(l) for l in old_file.open()]
    new = [json.loads(l) for l in new_file.open()] if new_file.exists() else []
    worst, differing, added, removed = 0.0, set(), set(), set()
    for a, b in zip(old, new):
        added |= b.keys() - a.keys(); removed |= a.keys() - b.keys()
        for k in a.keys() & b.keys():
            if a[k] != b[k]:
                differing.add(k)
                worst = max(worst, abs(a[k] - b[k]) / max(abs(a[k]), 1e-12))
    same = len(old) == len(new) and not differing and not removed
    failed |= not same
    print(f"{old_file.stem}: {'same' if same else 'DIFFERENT'} ({len(old)} vs {len(new)} lines)"
          + (f"; differ: {sorted(differing)} (max relative {worst:.2g})" if differing else "")
          + (f"; added: {sorted(added)}" if added else "")
          + (f"; removed: {sorted(removed)}" if removed else ""))
sys.exit(1 if failed else 0)
PY
    ;;
  *) echo "usage: bench/golden_metrics.sh run DIR | compare OLD NEW" >&2; exit 2 ;;
esac
