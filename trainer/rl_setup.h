// What the trainer ranks and the rollout-worker ranks of `terse train` set up alike: the
// problems and their prompts, the sampling settings and the starting policy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/problem.h"
#include "models/transformer.h"
#include "rollout/sampling_engine.h"
#include "trainer/training_config.h"
#include "trainer/training_setup.h"

namespace terse {

// The run's device, and its tokenizer (from model.path, or the built-in tasks' one).
struct RlRuntime {
  at::Device device = at::kCPU;
  RunTokenizer tokenizer;
};

// Picks the device (runtime.device, the GPU of LOCAL_RANK), resolves model.path to a model
// directory and sets up the tokenizer, filling config->model's vocabulary fields from it.
absl::StatusOr<RlRuntime> set_up_rl_runtime(TrainingConfig* config);

struct RlProblems {
  std::vector<Problem> train;
  std::vector<Problem> test;            // at most trainer.eval_problems
  std::vector<int64_t> length_targets;  // [train] with l1_* kinds, else empty; -1: no budget
};

// The train and test splits of config.data. With an l1_* length penalty every prompt asks for a
// target length ("Think for N tokens."), or with reward.effort for a mode or a budget, drawn per
// problem from run.seed.
absl::StatusOr<RlProblems> load_rl_problems(const TrainingConfig& config);

// The prompt of each train problem (bos + prompt tokens); its group id is its index.
std::vector<PromptSpec> rl_prompt_specs(const Tokenizer& tokenizer,
                                        const std::vector<Problem>& train);

// Rollout sampling settings; `stream` picks the sampling stream (one per sampling rank).
// InvalidArgument when rollout.think sets a budget whose tags the tokenizer cannot hold.
absl::StatusOr<GenerationConfig> rl_generation_config(const TrainingConfig& config,
                                                      const RunTokenizer& tokenizer,
                                                      int64_t stream);

// The policy's architecture: config.model, with a value head for PPO on the shared trunk.
ModelConfig policy_model_config(const TrainingConfig& config);

// Weights from `model_dir` (a resolved model directory), or, when it is empty, a fresh model
// drawn from `seed`.
absl::StatusOr<Transformer> load_starting_model(const std::string& model_dir,
                                                const ModelConfig& model, uint64_t seed,
                                                at::Device device);

}  // namespace terse
