// What the training commands (sft, train, demo) share before they train: the process group of
// a torchrun-style launch (a world of one without one) and the run directory, which rank 0
// prepares while the others wait.
#pragma once

#include <filesystem>
#include <memory>

#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "trainer/experiment_config.h"

namespace terse {

// Sets LibTorch's threads, then joins the ranks named by RANK, WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT (Gloo on CPU, NCCL when the device is a GPU) with runtime.*_timeout_s.
absl::StatusOr<std::unique_ptr<ProcessGroup>> join_process_group(const ExperimentConfig& config);

// Rank 0 creates run.dir/run.name with the resolved config.yaml (core/run_dir.h) and prints it;
// every rank returns the path once it exists.
absl::StatusOr<std::filesystem::path> prepare_run(const ExperimentConfig& config,
                                                  ProcessGroup& group);

}  // namespace terse
