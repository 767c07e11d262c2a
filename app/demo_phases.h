// The pieces `terse demo`'s phases share: each phase is an ordinary run directory under the
// demo's directory, trained unless its final checkpoint exists, and its final model loaded for
// the held-out evaluation.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/experiment_config.h"
#include "core/process_group.h"
#include "data/problem.h"
#include "models/transformer.h"
#include "tokenizers/tokenizer.h"

namespace terse {

// The run directories of the long-reasoning SFT phase, the no-reasoning baseline and the RL
// phase under the demo's.
inline constexpr char kSftPhase[] = "sft";
inline constexpr char kNoReasoningPhase[] = "no_reasoning";
inline constexpr char kRlPhase[] = "rl";

// `config` as the phase `name` under `out`: resumed when its run directory exists.
ExperimentConfig phase_config(const ExperimentConfig& config, const std::filesystem::path& out,
                              const std::string& name);

// An SFT phase on `target` completions: `steps` steps at peak rate `lr` with cosine decay to a
// tenth, evaluated and saved every demo.sft_eval_every steps; with bf16 products where the
// hardware has them when demo.sft_bf16 is set.
ExperimentConfig sft_phase(const ExperimentConfig& config, const std::filesystem::path& out,
                           const std::string& name, SftTarget target, int64_t steps, double lr);

// Trains an SFT or RL phase unless its last checkpoint is already its last step.
absl::Status train_sft(const ExperimentConfig& phase, ProcessGroup& group, std::ostream& console);
absl::Status train_rl(const ExperimentConfig& phase, ProcessGroup& group, std::ostream& console);

// A phase's final model and tokenizer, on the phase's device.
struct PhaseModel {
  Transformer model;
  std::unique_ptr<Tokenizer> tokenizer;
};
absl::StatusOr<PhaseModel> load_phase_model(const ExperimentConfig& phase);

// The first `count` problems of the test split of `config`'s data.
absl::StatusOr<std::vector<Problem>> held_out_problems(const ExperimentConfig& config,
                                                       int64_t count);

}  // namespace terse
