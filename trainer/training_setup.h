// What the SFT and RL trainers share: the tokenizer a run trains with, AdamW and its learning-rate
// schedule, and the files of a checkpoint besides the model (optimizer.pt, trainer_state.json).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <torch/optim/adamw.h>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "models/model_config.h"
#include "tokenizers/tokenizer.h"
#include "trainer/trainer_config.h"
#include "trainer/training_config.h"

namespace terse {

inline constexpr char kCheckpointsDir[] = "checkpoints";
inline constexpr char kOptimizerFile[] = "optimizer.pt";
inline constexpr char kTrainerStateFile[] = "trainer_state.json";

// The tokenizer of a run and how a checkpoint keeps it.
struct RunTokenizer {
  std::shared_ptr<Tokenizer> tokenizer;
  // Writes the tokenizer files into a checkpoint directory; empty when they are copied from
  // model.path instead.
  std::function<absl::Status(const std::filesystem::path&)> save;
  int64_t pad_id = 0;  // pad, else eos, else 0
};

// With an empty model.path, the built-in tasks' character tokenizer, and the model's vocab_size,
// bos and eos ids filled in from it where unset; otherwise the tokenizer in model.path, which a
// run directory or checkpoint in it is resolved to (hf_checkpoint.h resolve_model_dir).
absl::StatusOr<RunTokenizer> set_up_tokenizer(ModelConfig* model);

// AdamW over `decay` (matrices, with trainer.weight_decay) and `no_decay` (norms, biases) at
// trainer.lr.
std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<at::Tensor>& parameters,
                                                const TrainerConfig& trainer);
// Sets every parameter group's learning rate for `step` (0-based) from the trainer's schedule;
// returns it.
double apply_lr_schedule(torch::optim::AdamW& optimizer, const TrainerConfig& trainer,
                         int64_t step);

// Where a run stands: what trainer_state.json holds.
struct TrainerState {
  int64_t step = 0;    // optimiser steps done
  int64_t cursor = 0;  // training examples (SFT) or prompts (RL) read so far
  // RL with the lazy switch: batch accuracies of the last gate.lazy_window steps, oldest first.
  std::vector<double> recent_accuracy;
};

absl::StatusOr<TrainerState> read_trainer_state(const std::filesystem::path& path);
absl::Status write_trainer_state(const std::filesystem::path& path, const TrainerState& state);
absl::Status save_optimizer(torch::optim::AdamW& optimizer, const std::filesystem::path& path);
absl::Status load_optimizer(torch::optim::AdamW& optimizer, const std::filesystem::path& path,
                            at::Device device);

// Rank 0 creates run.dir/run.name with the resolved config.yaml (core/run_dir.h); every rank
// returns the path once it exists.
absl::StatusOr<std::filesystem::path> prepare_run(const TrainingConfig& config,
                                                  ProcessGroup& group);

}  // namespace terse
