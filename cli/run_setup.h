// What the training commands (sft, train, demo) share before they train: the process group of
// a torchrun-style launch (a world of one without one). The run directory: prepare_run
// (trainer/training_setup.h).
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "trainer/experiment_config.h"

namespace terse {

// Sets LibTorch's threads, then joins the ranks named by RANK, WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT (Gloo on CPU, NCCL when the device is a GPU) with runtime.*_timeout_s.
absl::StatusOr<std::unique_ptr<ProcessGroup>> join_process_group(const ExperimentConfig& config);

}  // namespace terse
