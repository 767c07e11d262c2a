#include "trainer/rl_trainer.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/elapsed.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"
#include "trainer/metric_registry.h"
#include "trainer/rl_setup.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

}  // namespace

RlTrainer::RlTrainer(const TrainingConfig& config, fs::path run_dir, ProcessGroup& group)
    : config_(config),
      run_dir_(std::move(run_dir)),
      group_(group),
      nonfinite_(config.trainer.max_nonfinite_steps) {}

absl::StatusOr<std::unique_ptr<RlTrainer>> RlTrainer::create(const TrainingConfig& config,
                                                             const fs::path& run_dir,
                                                             ProcessGroup& group,
                                                             RolloutClient* rollouts) {
  std::unique_ptr<RlTrainer> trainer(new RlTrainer(config, run_dir, group));
  TERSE_RETURN_IF_ERROR(trainer->set_up(rollouts));
  return trainer;
}

absl::Status RlTrainer::set_up(RolloutClient* rollouts) {
  const TrainerConfig& t = config_.trainer;
  if (config_.rollout.workers > 0 && rollouts == nullptr) {
    return absl::InvalidArgumentError(
        "`rollout.workers` > 0 (disaggregated sampling) works with `terse train` under a launch "
        "of more ranks than workers: set rollout.workers=0 here");
  }
  if (t.batch_prompts % group_.world_size() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`trainer.batch_prompts` = ", t.batch_prompts, " does not split evenly over ",
                     group_.world_size(), " ranks: make it a multiple of the world size"));
  }
  TERSE_ASSIGN_OR_RETURN(RlRuntime runtime, set_up_rl_runtime(&config_));
  device_ = runtime.device;
  tokenizer_ = std::move(runtime.tokenizer);
  initial_model_ = config_.model.path;
  TERSE_RETURN_IF_ERROR(load_prompts());
  const std::optional<fs::path> checkpoint =
      config_.run.resume ? find_latest_checkpoint(run_dir_ / kCheckpointsDir) : std::nullopt;
  if (checkpoint) {
    TERSE_ASSIGN_OR_RETURN(state_, read_trainer_state(*checkpoint / kTrainerStateFile));
  }
  TERSE_RETURN_IF_ERROR(load_models(checkpoint));
  optimizer_ = make_adamw(trained_parameters(), t);
  if (checkpoint) {
    TERSE_RETURN_IF_ERROR(load_optimizer(*optimizer_, *checkpoint / kOptimizerFile, device_));
  }
  return set_up_stages(rollouts);
}

absl::Status RlTrainer::set_up_stages(RolloutClient* rollouts) {
  if (rollouts != nullptr) {
    TERSE_ASSIGN_OR_RETURN(source_, make_disaggregated_rollouts(*rollouts, model_, state_));
  } else {
    // Colocated: the policy samples, each rank its own share of the prompts and sampling stream.
    TERSE_ASSIGN_OR_RETURN(GenerationConfig generation,
                           rl_generation_config(config_, tokenizer_, group_.rank()));
    source_ = make_colocated_rollouts(model_,
                                      PromptShard(rl_prompt_specs(*tokenizer_.tokenizer, train_),
                                                  group_.rank(), group_.world_size()),
                                      std::move(generation),
                                      config_.trainer.batch_prompts / group_.world_size(), state_);
  }
  TERSE_ASSIGN_OR_RETURN(RewardComposer composer,
                         RewardComposer::create(config_.reward, config_.rollout.max_new_tokens));
  collector_ = std::make_unique<RolloutCollector>(config_, group_, *source_, *tokenizer_.tokenizer,
                                                  train_, length_targets_, std::move(composer));
  algorithm_ = make_rl_algorithm(config_, model_, critic_, group_, tokenizer_.pad_id, device_);
  update_ =
      std::make_unique<RlUpdate>(config_, group_, *algorithm_, *optimizer_, trained_parameters(),
                                 tokenizer_.pad_id, device_, nonfinite_);
  return absl::OkStatus();
}

absl::Status RlTrainer::load_models(const std::optional<fs::path>& checkpoint) {
  const TrainerConfig& t = config_.trainer;
  const ModelConfig policy_config = policy_model_config(config_);
  // The starting policy: the given model, or a fresh one drawn from run.seed.
  const auto initial = [&](const ModelConfig& model_config) {
    return load_starting_model(initial_model_, model_config,
                               static_cast<uint64_t>(config_.run.seed), device_);
  };
  if (checkpoint) {
    TERSE_ASSIGN_OR_RETURN(model_, load_hf_model(checkpoint->string(), policy_config, device_));
  } else {
    TERSE_ASSIGN_OR_RETURN(model_, initial(policy_config));
  }
  if (t.loss.kl != KlEstimator::kNone) {
    ModelConfig reference_config = config_.model;
    reference_config.value_head = false;
    TERSE_ASSIGN_OR_RETURN(reference_, initial(reference_config));
    for (at::Tensor& p : reference_->parameters()) p.set_requires_grad(false);
  }
  if (t.algorithm == Algorithm::kPpo && t.ppo.separate_critic) {
    ModelConfig critic_config = config_.model;
    critic_config.value_head = true;
    if (checkpoint) {
      TERSE_ASSIGN_OR_RETURN(
          critic_, load_hf_model((*checkpoint / kCriticDir).string(), critic_config, device_));
    } else {
      TERSE_ASSIGN_OR_RETURN(critic_, initial(critic_config));
    }
  }
  return absl::OkStatus();
}

absl::Status RlTrainer::load_prompts() {
  TERSE_ASSIGN_OR_RETURN(RlProblems problems, load_rl_problems(config_));
  train_ = std::move(problems.train);
  test_ = std::move(problems.test);
  length_targets_ = std::move(problems.length_targets);
  if (static_cast<int64_t>(train_.size()) < config_.trainer.batch_prompts) {
    return absl::FailedPreconditionError(
        absl::StrCat("the train split has ", train_.size(), " problems, fewer than one batch (",
                     "`trainer.batch_prompts` = ", config_.trainer.batch_prompts,
                     "): raise data.train_size or lower trainer.batch_prompts"));
  }
  return absl::OkStatus();
}

std::vector<at::Tensor> RlTrainer::trained_parameters() {
  std::vector<at::Tensor> parameters = model_->parameters();
  if (critic_) {
    for (const at::Tensor& p : critic_->parameters()) parameters.push_back(p);
  }
  return parameters;
}

absl::StatusOr<Metrics> RlTrainer::train_step() {
  const Clock::time_point start = Clock::now();
  const double lr = apply_lr_schedule(*optimizer_, config_.trainer, state_.step);
  TERSE_ASSIGN_OR_RETURN(Rollout rollout, collector_->collect(state_.step, state_.recent_accuracy));
  remember_accuracy(rollout.metrics.at("reward/accuracy"));
  TERSE_RETURN_IF_ERROR(algorithm_->set_advantages(rollout.samples, rollout.rewards));
  if (reference_ && !rollout.samples.empty()) {
    TERSE_RETURN_IF_ERROR(
        set_reference_logprobs(reference_, rollout.samples, config_, tokenizer_.pad_id, device_));
  }
  const double rollout_seconds = seconds_since(start);
  const Clock::time_point train_start = Clock::now();
  TERSE_ASSIGN_OR_RETURN(const Metrics update_metrics, update_->run(rollout.samples, state_.step));
  const double train_seconds = seconds_since(train_start);
  ++state_.step;
  state_.cursor = rollout.cursor;
  TERSE_ASSIGN_OR_RETURN(const Metrics sync_metrics, source_->policy_updated(model_, state_));
  TERSE_ASSIGN_OR_RETURN(const Metrics policy, policy_metrics(rollout.samples));

  Metrics metrics = rollout.metrics;
  for (const Metrics* part : {&update_metrics, &sync_metrics, &policy}) {
    metrics.insert(part->begin(), part->end());
  }
  metrics["lr"] = lr;
  metrics["time/rollout_s"] = rollout_seconds;
  metrics["time/train_s"] = train_seconds;
  // Completion tokens sampled (and then trained on) per second of the whole step.
  metrics["tokens_per_s"] =
      metrics["length/mean"] * metrics["samples/drawn"] / std::max(1e-9, seconds_since(start));
  metrics["train/skipped_updates"] = static_cast<double>(nonfinite_.skipped());
  for (const char* key : {"loss", "grad_norm", "policy/kl", "policy/clip_frac"}) {
    metrics.emplace(key, 0.0);  // a step with nothing to train still reports every key
  }
  return metrics;
}

void RlTrainer::remember_accuracy(double accuracy) {
  const auto window = static_cast<size_t>(config_.reward.length_penalty.gate.lazy_window);
  if (window == 0) return;
  std::vector<double>& recent = state_.recent_accuracy;
  recent.push_back(accuracy);
  if (recent.size() > window) recent.erase(recent.begin(), recent.end() - window);
}

absl::StatusOr<Metrics> RlTrainer::policy_metrics(const std::vector<RlSample>& samples) {
  // Entropy of the sampling policy, estimated by -log p of the tokens it drew; and staleness:
  // how many updates the sampling policy lagged behind the policy this step updated.
  double logprob_sum = 0, tokens = 0, staleness = 0;
  for (const RlSample& s : samples) {
    for (const float lp : s.old_logprobs) logprob_sum += lp;
    tokens += static_cast<double>(s.old_logprobs.size());
    staleness += static_cast<double>(state_.step - 1 - s.policy_version);
  }
  return reduce_metrics(group_, {{"policy/entropy", -logprob_sum}, {"policy/staleness", staleness}},
                        {tokens, static_cast<double>(samples.size())});
}

absl::StatusOr<Metrics> RlTrainer::evaluate() {
  if (!group_.is_main() || test_.empty()) return Metrics{};
  const TrainerConfig& t = config_.trainer;
  EvalSpec spec;
  spec.samples = t.eval_samples;
  spec.sampling = {config_.rollout.temperature, config_.rollout.top_k, config_.rollout.top_p,
                   t.eval_samples == 1};
  spec.max_new_tokens = config_.rollout.max_new_tokens;
  spec.seed = static_cast<uint64_t>(config_.run.seed);
  const EvalResult result = terse::evaluate(model_, *tokenizer_.tokenizer, test_, spec);
  TERSE_RETURN_IF_ERROR(
      append_samples(run_dir_ / kSamplesFile, state_.step, result, test_, t.log_samples));
  return result.metrics();
}

absl::Status RlTrainer::write_checkpoint_files(const fs::path& dir) {
  ExportOptions options;
  options.source_dir = initial_model_;
  TERSE_RETURN_IF_ERROR(export_hf_model(model_, dir.string(), options));
  if (tokenizer_.save) TERSE_RETURN_IF_ERROR(tokenizer_.save(dir));
  if (critic_) TERSE_RETURN_IF_ERROR(export_hf_model(critic_, (dir / kCriticDir).string(), {}));
  TERSE_RETURN_IF_ERROR(save_optimizer(*optimizer_, dir / kOptimizerFile));
  return write_trainer_state(dir / kTrainerStateFile, state_);
}

absl::Status RlTrainer::run(std::ostream& console) {
  return run_train_loop(*this, LoopConfig::of("train", config_.trainer, config_.run.resume),
                        run_dir_, group_, console);
}

absl::StatusOr<std::string> RlTrainer::start(std::optional<int64_t> resume_step) {
  TERSE_RETURN_IF_ERROR(start_samples_log(run_dir_ / kSamplesFile, resume_step));
  const TrainerConfig& t = config_.trainer;
  return absl::StrFormat(
      "train: %s, %d prompts x %d samples per step on %d rank(s), %d train / %d eval problems, "
      "from step %d of %d",
      algorithm_name(t.algorithm), t.batch_prompts, config_.rollout.group_size, group_.world_size(),
      train_.size(), test_.size(), state_.step, t.steps);
}

std::string RlTrainer::step_summary(const Metrics& metrics, bool evaluated) const {
  const auto get = [&](const char* key) { return metrics.at(key); };
  std::string line =
      absl::StrFormat("reward %.3f  acc %.3f  len %.1f  kl %.4f  clip %.3f  loss %.4f  %.0f tok/s",
                      get("reward/mean"), get("reward/accuracy"), get("length/mean"),
                      get("policy/kl"), get("policy/clip_frac"), get("loss"), get("tokens_per_s"));
  if (evaluated && metrics.count("eval/accuracy") > 0) {
    absl::StrAppendFormat(&line, "  eval acc %.3f len %.1f", get("eval/accuracy"),
                          get("eval/length_mean"));
  }
  return line;
}

std::string RlTrainer::progress_detail(const Metrics& metrics) const {
  return absl::StrFormat("acc %.2f len %.0f", metrics.at("reward/accuracy"),
                         metrics.at("length/mean"));
}

}  // namespace terse
