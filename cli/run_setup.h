// What the training commands (sft, train, demo) share before they train: the process group of
// a torchrun-style launch (a world of one without one), and for sft and train the whole start
// of a run.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/experiment_config.h"
#include "core/process_group.h"

namespace terse {

// Sets LibTorch's threads, then joins the ranks named by RANK, WORLD_SIZE, MASTER_ADDR and
// MASTER_PORT (Gloo on CPU, NCCL when the device is a GPU) with runtime.*_timeout_s.
absl::StatusOr<std::unique_ptr<ProcessGroup>> join_process_group(const ExperimentConfig& config);

// A training command's run: its config, the launch's process group and the run directory.
struct TrainingRun {
  ExperimentConfig config;
  std::unique_ptr<ProcessGroup> group;
  std::filesystem::path dir;
};

// Loads the config from the command's words (files and key=value overrides), checks that
// model.path names a model and joins the process group; `dir` is still empty.
absl::StatusOr<TrainingRun> join_training_run(const std::vector<std::string>& words);

// Prepares the run directory (rank 0 prints it on `console`). Called once every check that can
// refuse the run has passed, so a refused run leaves no directory behind.
absl::Status prepare_training_run(TrainingRun* run, std::ostream& console);

}  // namespace terse
