#!/usr/bin/env bash
# Runs a terse command as a SLURM job, one rank per task, with torchrun's variables set from
# SLURM's. Submit from the repository root, e.g.
#   sbatch --nodes 2 --ntasks-per-node 8 --gpus-per-node 8 scripts/slurm_launch.sh train configs/x.yaml
#SBATCH --job-name=terse
set -euo pipefail

MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"
export MASTER_ADDR
export MASTER_PORT="${MASTER_PORT:-29500}"
export WORLD_SIZE="$SLURM_NTASKS"
# RANK and LOCAL_RANK differ per task, so they are set inside each task.
srun bash -c 'RANK=$SLURM_PROCID LOCAL_RANK=$SLURM_LOCALID exec build/terse "$@"' terse "$@"
