#!/usr/bin/env bash
# The GPU check, in one go on a machine with PyTorch (CUDA) but none of Debian's development
# packages: configure and build against PyTorch's LibTorch with the dependencies bundled by
# scripts/device/bundle_deps.sh, run the test suite and the GPU-tagged tests, then the rollout and
# train benchmarks on a random-weight model of Qwen2.5-0.5B's shape in bf16, printing tokens/s and
# the model-FLOPs utilisation against the H100's dense bf16 peak. Figures go to $OUT (or
# build-gpu/out) as well as to standard output.
#   scripts/device/bundle_deps.sh            # here, once; carry .deps/device with the tree
#   scripts/device/gpu_check.sh              # there
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle="$PWD/.deps/device/usr"
out="${OUT:-build-gpu/out}"
peak_tflops="${PEAK_TFLOPS:-989}"  # H100 SXM dense bf16
jobs="$(nproc)"
mkdir -p "$out"
if [ ! -d "$bundle" ]; then
  echo "gpu_check: $bundle is missing: run scripts/device/bundle_deps.sh and carry .deps/device" >&2
  exit 2
fi
export LD_LIBRARY_PATH="$bundle/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
export PKG_CONFIG_PATH="$bundle/lib/x86_64-linux-gnu/pkgconfig:$bundle/share/pkgconfig"
python="${PYTHON:-python3}"
torch_prefix="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"

step() { echo "== $* ($(date -u +%H:%M:%S))"; }

step "GPU"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
date -u +%Y-%m-%dT%H:%M:%SZ >> "$out/gpu.txt"

step "configure and build against $torch_prefix"
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DTERSE_USE_CCACHE=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$bundle" > "$out/configure.txt"
grep "terse:" "$out/configure.txt"
cmake --build build-gpu -j"$jobs" > "$out/build.txt" 2>&1 || { tail -60 "$out/build.txt"; exit 1; }

step "doctor"
build-gpu/terse doctor --seconds 0.3 | tee "$out/doctor.txt"

step "test suite (the real-tokenizer tests need .deps/tokenizers, which may not travel)"
(cd build-gpu && ctest --output-on-failure -j4) | tee "$out/ctest.txt" || true

step "GPU-tagged tests"
status=0
for exe in build-gpu/tests/*/terse_*_tests; do
  if "$exe" --list-test-names-only "[cuda]" | grep -q .; then
    "$exe" "[cuda]" | tee -a "$out/cuda_tests.txt" || status=1
  fi
done

step "a few GRPO steps of the demo's model and task on the GPU (a fresh model, SFT skipped)"
build-gpu/terse train configs/demo.yaml runtime.device=cuda run.dir="$out" run.name=grpo_gpu \
  trainer.steps=3 trainer.eval_every=3 trainer.save_every=0 | tee "$out/grpo.txt"

step "benchmarks: Qwen2.5-0.5B shape, random weights, bf16, cuda"
build-gpu/terse bench rollout --model-config bench/qwen2.5_0.5b_config.json --device cuda \
  --dtype bf16 --batch 64 --prompt-len 128 --new-tokens 256 --json | tee "$out/rollout.json"
build-gpu/terse bench train --model-config bench/qwen2.5_0.5b_config.json --device cuda \
  --dtype bf16 --batch 16 --seq-len 512 --steps 3 --json | tee "$out/train.json"
"$python" - "$out/rollout.json" "$out/train.json" "$peak_tflops" <<'PY' | tee "$out/summary.txt"
import json, sys
peak = float(sys.argv[3]) * 1000  # GFLOP/s
for path in sys.argv[1:3]:
    r = json.load(open(path))
    print(f"{r['benchmark']}: {r['tokens_per_s']:.0f} tokens/s, {r['model_gflops']:.0f} model GFLOP/s, "
          f"MFU {100 * r['model_gflops'] / peak:.1f}% of {peak / 1000:.0f} TFLOP/s bf16 "
          f"(measured 1024^2 matmul peak {r['matmul_peak_gflops']:.0f} GFLOP/s)")
PY
exit "$status"
