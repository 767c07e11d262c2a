#include "trainer/rl_setup.h"

#include "absl/strings/str_cat.h"
#include "core/device.h"
#include "core/process_group.h"
#include "core/status.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "reward/length_target.h"
#include "rollout/think_tags.h"
#include "trainer/sft_batch.h"

namespace terse {
namespace {

// l1_*: a target length per train problem, asked for in its prompt; with reward.effort, a
// request (a mode's instruction and budget, or a numeric budget) instead. Held-out prompts ask
// too (keys after the train split's), so evaluation sees prompts like those it trains on.
void add_length_targets(const TrainingConfig& config, RlProblems* problems) {
  const auto seed = static_cast<uint64_t>(config.run.seed);
  for (const EffortRequest& r : ask_for_effort(config.reward, seed, 0, &problems->train)) {
    problems->length_targets.push_back(r.budget);
  }
  ask_for_effort(config.reward, seed, problems->train.size(), &problems->test);
}

}  // namespace

absl::StatusOr<RlRuntime> set_up_rl_runtime(TrainingConfig* config) {
  RlRuntime runtime;
  const int64_t local_rank = dist_env_from_environment().value_or(DistEnv{}).local_rank;
  TERSE_ASSIGN_OR_RETURN(runtime.device,
                         select_device(config->runtime.device, local_rank, gpu_availability()));
  TERSE_ASSIGN_OR_RETURN(runtime.tokenizer, set_up_tokenizer(&config->model));
  return runtime;
}

absl::StatusOr<RlProblems> load_rl_problems(const TrainingConfig& config) {
  RlProblems problems;
  TERSE_ASSIGN_OR_RETURN(problems.train, load_split(config.data, Split::kTrain));
  TERSE_ASSIGN_OR_RETURN(problems.test, load_split(config.data, Split::kTest));
  if (static_cast<int64_t>(problems.test.size()) > config.trainer.eval_problems) {
    problems.test.resize(static_cast<size_t>(config.trainer.eval_problems));
  }
  const LengthPenaltyConfig& penalty = config.reward.length_penalty;
  if (config.reward.effort.enabled() && !uses_length_target(penalty.kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat("`reward.effort.modes` is set but `reward.length_penalty.kind` is `",
                     penalty_kind_name(penalty.kind),
                     "`, which ignores each prompt's request; use l1_exact or l1_max (with "
                     "`reward.length_penalty.unit: thinking`)"));
  }
  if (uses_length_target(penalty.kind)) add_length_targets(config, &problems);
  return problems;
}

std::vector<PromptSpec> rl_prompt_specs(const Tokenizer& tokenizer,
                                        const std::vector<Problem>& train) {
  std::vector<PromptSpec> prompts;
  for (size_t i = 0; i < train.size(); ++i) {
    prompts.push_back({sft_prompt_ids(tokenizer, train[i]), static_cast<int64_t>(i)});
  }
  return prompts;
}

absl::StatusOr<GenerationConfig> rl_generation_config(const TrainingConfig& config,
                                                      const RunTokenizer& tokenizer,
                                                      int64_t stream) {
  GenerationConfig generation;
  generation.sampling = {config.rollout.temperature, config.rollout.top_k, config.rollout.top_p,
                         false};
  generation.max_new_tokens = config.rollout.max_new_tokens;
  generation.group_size = config.rollout.group_size;
  generation.stop_token_ids = config.model.eos_token_ids;
  if (const auto eos = tokenizer.tokenizer->special_ids().eos) generation.stop_token_ids = {*eos};
  generation.seed =
      static_cast<uint64_t>(config.run.seed) * 7919ULL + static_cast<uint64_t>(stream);
  generation.pad_id = tokenizer.pad_id;
  absl::StatusOr<ThinkBudget> think = make_think_budget(config.rollout.think, *tokenizer.tokenizer);
  if (!think.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("`rollout.think`: ", think.status().message()));
  }
  generation.think = *std::move(think);
  return generation;
}

ModelConfig policy_model_config(const TrainingConfig& config) {
  ModelConfig model = config.model;
  model.value_head =
      config.trainer.algorithm == Algorithm::kPpo && !config.trainer.ppo.separate_critic;
  return model;
}

absl::StatusOr<Transformer> load_starting_model(const std::string& model_dir,
                                                const ModelConfig& model, uint64_t seed,
                                                at::Device device) {
  if (model_dir.empty()) return make_model(model, seed, device);
  return load_hf_model(model_dir, model, device);
}

}  // namespace terse
