#include "trainer/rl_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/cpu_usage.h"
#include "core/device.h"
#include "core/elapsed.h"
#include "core/metrics_log.h"
#include "core/progress.h"
#include "core/status.h"
#include "core/tensorboard_writer.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "reward/reward_metrics.h"
#include "trainer/advantages.h"
#include "trainer/data_parallel.h"
#include "trainer/grad_clip.h"
#include "trainer/group_filter.h"
#include "trainer/micro_batches.h"
#include "trainer/policy_loss.h"
#include "trainer/rl_setup.h"
#include "trainer/sft_batch.h"
#include "trainer/value_loss.h"

namespace terse {

struct RlTrainer::SampleStats {
  double tokens = 0, correct = 0, total = 0, length_term = 0, format = 0, truncated = 0;
};

namespace {

using SampleStats = RlTrainer::SampleStats;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// DAPO's refill samples at most this many batches of prompts per step.
constexpr int64_t kMaxRefillRounds = 4;

std::vector<const RlSample*> pointers(const std::vector<RlSample>& samples) {
  std::vector<const RlSample*> out;
  for (const RlSample& s : samples) out.push_back(&s);
  return out;
}

// Every rank's per-sample stats, in rank order, on every rank. `capacity` bounds the samples a
// rank can hold; all ranks pass the same value.
absl::StatusOr<std::vector<SampleStats>> gather_stats(ProcessGroup& group,
                                                      const std::vector<SampleStats>& local,
                                                      int64_t capacity) {
  if (group.world_size() == 1) return local;
  constexpr int64_t kFields = 6;
  at::Tensor table = at::zeros({group.world_size(), capacity + 1, kFields}, at::kDouble);
  table[group.rank()][0][0] = static_cast<double>(local.size());
  for (size_t i = 0; i < local.size(); ++i) {
    const SampleStats& s = local[i];
    const double values[kFields] = {s.tokens,      s.correct, s.total,
                                    s.length_term, s.format,  s.truncated};
    for (int64_t f = 0; f < kFields; ++f) table[group.rank()][i + 1][f] = values[f];
  }
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({table}));
  std::vector<SampleStats> all;
  const auto rows = table.accessor<double, 3>();
  for (int64_t r = 0; r < group.world_size(); ++r) {
    for (int64_t i = 1; i <= static_cast<int64_t>(rows[r][0][0]); ++i) {
      all.push_back({rows[r][i][0], rows[r][i][1], rows[r][i][2], rows[r][i][3], rows[r][i][4],
                     rows[r][i][5]});
    }
  }
  return all;
}

Metrics reward_and_length_metrics(const std::vector<SampleStats>& stats) {
  std::vector<RewardSample> samples;
  std::vector<RewardBreakdown> breakdowns;
  for (const SampleStats& s : stats) {
    RewardSample sample;
    sample.correct = s.correct > 0.5;
    sample.completion_tokens = static_cast<int64_t>(s.tokens);
    samples.push_back(sample);
    RewardBreakdown b;
    b.accuracy = s.correct;
    b.format = s.format;
    b.length = s.length_term;
    b.total = s.total;
    breakdowns.push_back(b);
  }
  const RewardMetrics m = summarize_rewards(samples, breakdowns);
  double truncated = 0;
  for (const SampleStats& s : stats) truncated += s.truncated;
  return {
      {"reward/mean", m.total_mean},
      {"reward/accuracy", m.accuracy},
      {"reward/length_penalty", m.length_term_mean},
      {"reward/format", m.format_mean},
      {"length/mean", m.length_mean},
      {"length/p90", m.length_p90},
      {"length/max", m.length_max},
      // 0 when nothing was correct, as in evaluation.
      {"tokens_per_correct", m.tokens_per_correct.value_or(0.0)},
      {"samples/truncated", stats.empty() ? 0.0 : truncated / static_cast<double>(stats.size())}};
}

// Sums `metrics` weighted by `weight` into `sums` (for a weighted mean over micro-batches).
void accumulate(const Metrics& metrics, double weight, Metrics* sums) {
  for (const auto& [key, value] : metrics) (*sums)[key] += value * weight;
}

}  // namespace

RlTrainer::RlTrainer(const ExperimentConfig& config, fs::path run_dir, ProcessGroup& group,
                     RolloutClient* rollouts)
    : config_(config),
      run_dir_(std::move(run_dir)),
      group_(group),
      rollouts_(rollouts),
      nonfinite_(config.trainer.max_nonfinite_steps) {}

absl::StatusOr<std::unique_ptr<RlTrainer>> RlTrainer::create(const ExperimentConfig& config,
                                                             const fs::path& run_dir,
                                                             ProcessGroup& group,
                                                             RolloutClient* rollouts) {
  std::unique_ptr<RlTrainer> trainer(new RlTrainer(config, run_dir, group, rollouts));
  TERSE_RETURN_IF_ERROR(trainer->set_up());
  return trainer;
}

absl::Status RlTrainer::set_up() {
  const TrainerConfig& t = config_.trainer;
  if (config_.rollout.workers > 0 && rollouts_ == nullptr) {
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
  TERSE_ASSIGN_OR_RETURN(RewardComposer composer,
                         RewardComposer::create(config_.reward, config_.rollout.max_new_tokens));
  composer_.emplace(std::move(composer));
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

  if (rollouts_ != nullptr) {
    // Disaggregated: the workers sample; they start from this rank's weights and cursor.
    TERSE_RETURN_IF_ERROR(rollouts_->publish(model_, state_.step, state_.cursor).status());
    return absl::OkStatus();
  }
  // Colocated: the policy samples, each rank its own share of the prompts and sampling stream.
  worker_ = std::make_unique<RolloutWorker>(
      model_,
      PromptShard(rl_prompt_specs(*tokenizer_.tokenizer, train_), group_.rank(),
                  group_.world_size()),
      rl_generation_config(config_, tokenizer_, group_.rank()), Detokenizer{});
  worker_->shard().set_cursor(state_.cursor);
  worker_->set_policy_version(state_.step);
  return absl::OkStatus();
}

absl::Status RlTrainer::load_models(const std::optional<fs::path>& checkpoint) {
  const TrainerConfig& t = config_.trainer;
  const bool ppo = t.algorithm == Algorithm::kPpo;
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
  if (ppo && t.ppo.separate_critic) {
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
  const int64_t per_rank = config_.trainer.batch_prompts / group_.world_size();
  if (static_cast<int64_t>(train_.size()) < per_rank * group_.world_size()) {
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

std::vector<RlSample> RlTrainer::score(const Trajectory& batch, std::vector<double>* totals,
                                       std::vector<SampleStats>* stats) {
  const Tokenizer& tokenizer = *tokenizer_.tokenizer;
  const std::vector<EvalSample> graded =
      grade_batch(batch, train_, tokenizer, config_.rollout.group_size, config_.reward);
  std::vector<RewardSample> inputs;
  for (size_t i = 0; i < graded.size(); ++i) {
    RewardSample r = reward_input(graded[i], batch.group_ids[i], tokenizer, config_.reward.format);
    if (!length_targets_.empty()) {
      r.target_tokens = length_targets_[static_cast<size_t>(r.group_id)];
    }
    inputs.push_back(r);
  }
  const std::vector<RewardBreakdown> rewards = composer_->score(inputs, state_.step);
  for (size_t i = 0; i < inputs.size(); ++i) {
    totals->push_back(rewards[i].total);
    stats->push_back({static_cast<double>(inputs[i].completion_tokens),
                      inputs[i].correct ? 1.0 : 0.0, rewards[i].total, rewards[i].length,
                      rewards[i].format, inputs[i].finished ? 0.0 : 1.0});
  }
  return samples_of(batch);
}

absl::StatusOr<std::vector<Trajectory>> RlTrainer::sample_round(int64_t* cursor) {
  if (rollouts_ == nullptr) {
    std::vector<Trajectory> sampled;
    sampled.push_back(worker_->next_batch(config_.trainer.batch_prompts / group_.world_size()));
    *cursor = worker_->shard().cursor();
    return sampled;
  }
  TERSE_ASSIGN_OR_RETURN(std::vector<TrajectoryMessage> messages, rollouts_->receive(state_.step));
  std::vector<Trajectory> sampled;
  for (TrajectoryMessage& message : messages) {
    *cursor = message.data_cursor;  // the same on every worker
    sampled.push_back(std::move(message.trajectory));
  }
  return sampled;
}

absl::StatusOr<Metrics> RlTrainer::publish_weights() {
  if (rollouts_ == nullptr || !rollouts_->needed(state_.step)) return Metrics{};
  TERSE_ASSIGN_OR_RETURN(const WeightSyncTimes times,
                         rollouts_->publish(model_, state_.step, state_.cursor));
  return Metrics{{"time/weight_sync_s", times.sync_s}, {"time/worker_wait_s", times.wait_s}};
}

absl::StatusOr<Rollout> RlTrainer::collect_rollout() {
  const TrainerConfig& t = config_.trainer;
  const SampleFilterConfig& filter = t.filter;
  const int64_t prompts = t.batch_prompts / group_.world_size();
  // Rollout workers sample fixed batches: refill is colocated only (RankLayout::create).
  const int64_t rounds = filter.refill && rollouts_ == nullptr ? kMaxRefillRounds : 1;
  Rollout rollout;
  std::vector<double> totals;  // of rollout.samples
  std::vector<SampleStats> stats;
  int64_t kept_groups = 0;
  for (int64_t round = 0; round < rounds && kept_groups < prompts; ++round) {
    TERSE_ASSIGN_OR_RETURN(const std::vector<Trajectory> sampled, sample_round(&rollout.cursor));
    std::vector<double> round_totals;
    std::vector<RlSample> round_samples;
    for (const Trajectory& part : sampled) {
      for (RlSample& sample : score(part, &round_totals, &stats)) {
        round_samples.push_back(std::move(sample));
      }
    }
    std::vector<bool> keep(round_samples.size(), true);
    if (filter.dynamic_sampling) {
      std::vector<SampleScore> scores;
      for (size_t i = 0; i < round_samples.size(); ++i) {
        scores.push_back({round_samples[i].group_id, round_totals[i],
                          static_cast<int64_t>(round_samples[i].completion_ids.size())});
      }
      keep = keep_informative_groups(scores);
    }
    for (size_t i = 0; i < round_samples.size(); ++i) {
      if (!keep[i]) continue;
      const int64_t group_size = config_.rollout.group_size;
      if (i % static_cast<size_t>(group_size) == 0) {
        if (kept_groups == prompts) break;  // a refill round may bring more than needed
        ++kept_groups;
      }
      rollout.samples.push_back(std::move(round_samples[i]));
      totals.push_back(round_totals[i]);
    }
  }
  TERSE_ASSIGN_OR_RETURN(
      const std::vector<SampleStats> all,
      gather_stats(group_, stats, prompts * config_.rollout.group_size * rounds));
  rollout.metrics = reward_and_length_metrics(all);
  if (filter.mask_truncated) {
    for (RlSample& s : rollout.samples) s.trains = s.trains && s.finish == FinishReason::kStop;
  }
  if (t.algorithm == Algorithm::kGrpo) {
    set_group_advantages(rollout.samples, totals);
  } else {
    TERSE_RETURN_IF_ERROR(set_gae_advantages(rollout.samples, totals));
  }
  at::Tensor counts =
      at::tensor({static_cast<double>(rollout.samples.size()), static_cast<double>(stats.size())},
                 at::kDouble);
  TERSE_RETURN_IF_ERROR(group_.all_reduce_sum({counts}));
  rollout.metrics["samples/drawn"] = counts[1].item<double>();
  rollout.metrics["samples/kept"] =
      counts[0].item<double>() / std::max(1.0, counts[1].item<double>());
  return rollout;
}

void RlTrainer::set_group_advantages(std::vector<RlSample>& samples,
                                     const std::vector<double>& totals) {
  const SampleFilterConfig& filter = config_.trainer.filter;
  std::vector<bool> counted(samples.size(), true);
  if (filter.gfpo_keep > 0) {
    std::vector<SampleScore> scores;
    for (size_t i = 0; i < samples.size(); ++i) {
      scores.push_back(
          {samples[i].group_id, totals[i], static_cast<int64_t>(samples[i].completion_ids.size())});
    }
    counted = gfpo_keep(scores, filter.gfpo_keep, filter.gfpo_metric);
  }
  // GFPO: advantages are relative to the retained samples of each group; the others do not train.
  std::vector<double> rewards;
  std::vector<int64_t> groups;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!counted[i]) continue;
    rewards.push_back(totals[i]);
    groups.push_back(samples[i].group_id);
  }
  if (rewards.empty()) return;
  const at::Tensor advantages =
      group_advantages(at::tensor(rewards, at::kDouble).to(at::kFloat), at::tensor(groups),
                       config_.trainer.loss.advantage_scale);  // [kept]
  int64_t k = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!counted[i]) {
      samples[i].trains = false;
      continue;
    }
    samples[i].advantage = advantages[k++].item<double>();
  }
}

absl::Status RlTrainer::set_gae_advantages(std::vector<RlSample>& samples,
                                           const std::vector<double>& totals) {
  const PpoConfig& ppo = config_.trainer.ppo;
  if (samples.empty()) {
    // Whitening is over every rank's samples: take part with none.
    if (!ppo.whiten_advantages) return absl::OkStatus();
    return global_masked_whiten(group_, at::zeros({0}), at::zeros({0})).status();
  }
  const std::vector<const RlSample*> all = pointers(samples);
  // The critic's values before the update, per completion token.
  {
    torch::NoGradGuard no_grad;
    for (const std::vector<size_t>& part :
         split_by_token_budget(input_lengths(all), config_.trainer.micro_batch_tokens)) {
      std::vector<const RlSample*> rows;
      for (const size_t i : part) rows.push_back(all[i]);
      const RlMicroBatch batch = make_rl_micro_batch(rows, tokenizer_.pad_id, device_);
      Transformer& critic = critic_ ? critic_ : model_;
      const PolicyOutputs out =
          policy_forward(critic, batch, config_.rollout.temperature, /*values=*/true);
      const std::vector<std::vector<float>> values = unpad_rows(out.values, rows);
      for (size_t k = 0; k < part.size(); ++k) samples[part[k]].old_values = values[k];
    }
  }
  // The reward arrives at the last token (the terminal reward of an RLHF episode).
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i].returns.assign(samples[i].completion_ids.size(), 0.0F);
    samples[i].returns.back() = static_cast<float>(totals[i]);
  }
  const std::vector<const RlSample*> rows = pointers(samples);
  RlMicroBatch batch = make_rl_micro_batch(rows, tokenizer_.pad_id, at::kCPU);
  // make_rl_micro_batch pads `returns` (here still the token rewards) and `old_values`.
  const at::Tensor length_mask = batch.mask.clone();  // [N, T]
  {
    auto m = length_mask.accessor<float, 2>();
    for (size_t i = 0; i < rows.size(); ++i) {
      for (size_t j = 0; j < rows[i]->completion_ids.size(); ++j) {
        m[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = 1.0F;
      }
    }
  }
  GaeResult gae_result = gae(batch.returns, batch.old_values, length_mask, ppo.gamma, ppo.lambda);
  at::Tensor advantages = gae_result.advantages;  // [N, T]
  if (ppo.whiten_advantages) {
    TERSE_ASSIGN_OR_RETURN(advantages, global_masked_whiten(group_, advantages, batch.mask));
  }
  const std::vector<std::vector<float>> token_advantages = unpad_rows(advantages, rows);
  const std::vector<std::vector<float>> returns = unpad_rows(gae_result.returns, rows);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i].token_advantages = token_advantages[i];
    samples[i].returns = returns[i];
  }
  return absl::OkStatus();
}

void RlTrainer::prepare(std::vector<RlSample>& samples) {
  if (!reference_ || samples.empty()) return;
  torch::NoGradGuard no_grad;
  const std::vector<const RlSample*> all = pointers(samples);
  for (const std::vector<size_t>& part :
       split_by_token_budget(input_lengths(all), config_.trainer.micro_batch_tokens)) {
    std::vector<const RlSample*> rows;
    for (const size_t i : part) rows.push_back(all[i]);
    const RlMicroBatch batch = make_rl_micro_batch(rows, tokenizer_.pad_id, device_);
    const PolicyOutputs out =
        policy_forward(reference_, batch, config_.rollout.temperature, /*values=*/false);
    const std::vector<std::vector<float>> logprobs = unpad_rows(out.logprobs, rows);
    for (size_t k = 0; k < part.size(); ++k) samples[part[k]].ref_logprobs = logprobs[k];
  }
}

absl::StatusOr<Metrics> RlTrainer::minibatch_step(const std::vector<const RlSample*>& samples) {
  const TrainerConfig& t = config_.trainer;
  const bool ppo = t.algorithm == Algorithm::kPpo;
  const double norm_tokens = static_cast<double>(
      t.loss.norm_tokens > 0 ? t.loss.norm_tokens : config_.rollout.max_new_tokens);
  LossNormalizer local{0, 0, norm_tokens};
  for (const RlSample* s : samples) {
    if (!s->trains) continue;
    local.tokens += static_cast<double>(s->completion_ids.size());
    local.sequences += 1;
  }
  TERSE_ASSIGN_OR_RETURN(const LossNormalizer norm, global_normalizer(group_, local));
  optimizer_->zero_grad();
  if (norm.tokens == 0) return Metrics{};  // nothing trains on any rank: no update at all
  Metrics sums;
  double weight = 0;
  for (const std::vector<size_t>& part :
       split_by_token_budget(input_lengths(samples), t.micro_batch_tokens)) {
    std::vector<const RlSample*> rows;
    for (const size_t i : part) rows.push_back(samples[i]);
    const RlMicroBatch batch = make_rl_micro_batch(rows, tokenizer_.pad_id, device_);
    const bool shared_values = ppo && !critic_;
    const PolicyOutputs out =
        policy_forward(model_, batch, config_.rollout.temperature, shared_values);
    LossOutput loss = policy_loss(
        {out.logprobs, batch.old_logprobs, batch.advantages, batch.mask, batch.ref_logprobs},
        t.loss, norm);
    at::Tensor total = loss.loss;
    if (ppo) {
      const at::Tensor values =
          critic_ ? policy_forward(critic_, batch, config_.rollout.temperature, true).values
                  : out.values;
      LossOutput critic =
          value_loss(values, batch.old_values, batch.returns, batch.mask, t.ppo.value_clip, norm);
      total = total + t.ppo.value_coef * critic.loss;
      loss.metrics.insert(critic.metrics.begin(), critic.metrics.end());
      loss.metrics["value/loss"] = critic.loss.item<double>();
    }
    total.backward();
    const double tokens = batch.mask.sum().item<double>();
    loss.metrics["loss"] = total.item<double>();
    // The loss values are shares of the whole minibatch's loss: they add up; the rest average.
    for (const auto& [key, value] : loss.metrics) {
      const bool additive = key == "loss" || key == "policy/pg_loss" || key == "value/loss";
      sums[key] += additive ? value : value * tokens;
    }
    weight += tokens;
  }
  TERSE_RETURN_IF_ERROR(all_reduce_gradients(group_, trained_parameters()));
  at::Tensor totals = at::zeros({static_cast<int64_t>(sums.size()) + 1}, at::kDouble);
  int64_t k = 0;
  for (const auto& [key, value] : sums) totals[k++] = value;
  totals[k] = weight;
  TERSE_RETURN_IF_ERROR(group_.all_reduce_sum({totals}));
  Metrics metrics;
  k = 0;
  const double all_weight = std::max(1.0, totals[static_cast<int64_t>(sums.size())].item<double>());
  for (const auto& [key, value] : sums) {
    const bool additive = key == "loss" || key == "policy/pg_loss" || key == "value/loss";
    metrics[key] = additive ? totals[k].item<double>() : totals[k].item<double>() / all_weight;
    ++k;
  }
  std::vector<at::Tensor> grads;
  for (const at::Tensor& p : trained_parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  const double grad_norm = clip_grad_norm(grads, t.max_grad_norm);
  metrics["grad_norm"] = grad_norm;
  TERSE_ASSIGN_OR_RETURN(const bool finite,
                         nonfinite_.admit(metrics["loss"], grad_norm, state_.step + 1));
  if (!finite) {
    optimizer_->zero_grad();
    return metrics;
  }
  optimizer_->step();
  return metrics;
}

absl::StatusOr<Metrics> RlTrainer::update(const std::vector<RlSample>& samples) {
  const TrainerConfig& t = config_.trainer;
  std::vector<const RlSample*> order;
  for (const RlSample& s : samples) {
    if (s.trains) order.push_back(&s);
  }
  Metrics sums;
  int64_t steps = 0;
  for (int64_t epoch = 0; epoch < t.epochs; ++epoch) {
    // Each epoch its own order, fixed by the seed, the step and the epoch.
    std::mt19937_64 rng(static_cast<uint64_t>(config_.run.seed) * 1000003ULL +
                        static_cast<uint64_t>(state_.step) * 101ULL + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), rng);
    for (int64_t m = 0; m < t.minibatches; ++m) {
      const size_t begin =
          order.size() * static_cast<size_t>(m) / static_cast<size_t>(t.minibatches);
      const size_t end =
          order.size() * static_cast<size_t>(m + 1) / static_cast<size_t>(t.minibatches);
      TERSE_ASSIGN_OR_RETURN(
          const Metrics metrics,
          minibatch_step(std::vector<const RlSample*>(order.begin() + begin, order.begin() + end)));
      accumulate(metrics, 1.0, &sums);
      ++steps;
    }
  }
  for (auto& [key, value] : sums) value /= static_cast<double>(std::max<int64_t>(steps, 1));
  return sums;
}

absl::StatusOr<Metrics> RlTrainer::train_step() {
  const Clock::time_point start = Clock::now();
  const double lr = apply_lr_schedule(*optimizer_, config_.trainer, state_.step);
  if (worker_) worker_->set_policy_version(state_.step);
  TERSE_ASSIGN_OR_RETURN(Rollout rollout, collect_rollout());
  prepare(rollout.samples);
  const double rollout_seconds = seconds_since(start);
  const Clock::time_point train_start = Clock::now();
  TERSE_ASSIGN_OR_RETURN(const Metrics update_metrics, update(rollout.samples));
  const double train_seconds = seconds_since(train_start);
  ++state_.step;
  state_.cursor = rollout.cursor;
  TERSE_ASSIGN_OR_RETURN(const Metrics sync_metrics, publish_weights());

  Metrics metrics = rollout.metrics;
  metrics.insert(update_metrics.begin(), update_metrics.end());
  metrics.insert(sync_metrics.begin(), sync_metrics.end());
  // Entropy of the sampling policy, estimated by -log p of the tokens it drew; and staleness:
  // how many updates the sampling policy lagged behind the policy this step updated.
  double logprob_sum = 0, tokens = 0, staleness = 0;
  for (const RlSample& s : rollout.samples) {
    for (const float lp : s.old_logprobs) logprob_sum += lp;
    tokens += static_cast<double>(s.old_logprobs.size());
    staleness += static_cast<double>(state_.step - 1 - s.policy_version);
  }
  at::Tensor totals = at::tensor(
      {logprob_sum, tokens, staleness, static_cast<double>(rollout.samples.size())}, at::kDouble);
  TERSE_RETURN_IF_ERROR(group_.all_reduce_sum({totals}));
  const double all_tokens = totals[1].item<double>();
  const double all_samples = totals[3].item<double>();
  metrics["policy/entropy"] = all_tokens > 0 ? -totals[0].item<double>() / all_tokens : 0.0;
  metrics["policy/staleness"] = all_samples > 0 ? totals[2].item<double>() / all_samples : 0.0;
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

absl::StatusOr<EvalResult> RlTrainer::evaluate() {
  if (!group_.is_main() || test_.empty()) return EvalResult{};
  const TrainerConfig& t = config_.trainer;
  EvalSpec spec;
  spec.samples = t.eval_samples;
  spec.sampling = {config_.rollout.temperature, config_.rollout.top_k, config_.rollout.top_p,
                   t.eval_samples == 1};
  spec.max_new_tokens = config_.rollout.max_new_tokens;
  spec.seed = static_cast<uint64_t>(config_.run.seed);
  return terse::evaluate(model_, *tokenizer_.tokenizer, test_, spec);
}

namespace {

absl::Status truncate_samples(const fs::path& path, std::optional<int64_t> resume_step) {
  std::string kept;
  if (resume_step) {
    // A resumed run writes the steps after its checkpoint again: keep only those before.
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_object() && record.value("step", int64_t{0}) <= *resume_step) {
        kept += line + "\n";
      }
    }
  }
  std::ofstream out(path, std::ios::trunc);
  out << kept;
  out.close();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

}  // namespace

absl::Status RlTrainer::write_samples(const EvalResult& result) {
  std::ofstream out(run_dir_ / kSamplesFile, std::ios::app);
  const auto count =
      std::min<size_t>(result.samples.size(), static_cast<size_t>(config_.trainer.log_samples));
  for (size_t i = 0; i < count; ++i) {
    const EvalSample& s = result.samples[i];
    out << nlohmann::json{{"step", state_.step},
                          {"prompt", test_[static_cast<size_t>(s.problem)].prompt},
                          {"completion", s.completion},
                          {"tokens", s.tokens},
                          {"correct", s.correct},
                          {"answer", test_[static_cast<size_t>(s.problem)].answer}}
               .dump()
        << "\n";
  }
  out.flush();
  if (!out) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot write `", (run_dir_ / kSamplesFile).string(), "`"));
  }
  return absl::OkStatus();
}

void RlTrainer::detect_spikes(Metrics& metrics, std::ostream& console) {
  for (auto [key, detector] : {std::pair<const char*, SpikeDetector*>{"loss", &loss_spikes_},
                               {"grad_norm", &grad_norm_spikes_}}) {
    const std::optional<double> z = detector->add(metrics[key]);
    if (!z) continue;
    metrics[absl::StrCat("train/", key, "_z")] = *z;
    if (detector->is_spike(*z)) {
      console << absl::StrFormat(
          "warning: step %d: %s %.4g is a spike (z = %.1f against the "
          "last steps)\n",
          state_.step, key, metrics[key], *z);
    }
  }
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

absl::Status RlTrainer::save() {
  TERSE_RETURN_IF_ERROR(check_replicas_agree(group_, trained_parameters(), state_.step));
  if (group_.is_main()) {
    const CheckpointFiles files = [this](const fs::path& dir) {
      return write_checkpoint_files(dir);
    };
    TERSE_RETURN_IF_ERROR(save_checkpoint(run_dir_ / kCheckpointsDir, state_.step, files,
                                          config_.trainer.keep_checkpoints)
                              .status());
  }
  return group_.barrier();
}

absl::Status RlTrainer::run(std::ostream& console) {
  const TrainerConfig& t = config_.trainer;
  const bool main = group_.is_main();
  std::optional<MetricsLog> log;
  std::optional<TensorBoardWriter> events;
  if (main) {
    const std::optional<int64_t> resume_step =
        config_.run.resume ? std::optional<int64_t>(state_.step) : std::nullopt;
    TERSE_ASSIGN_OR_RETURN(MetricsLog opened,
                           MetricsLog::open(run_dir_ / kMetricsFile, resume_step));
    log.emplace(std::move(opened));
    if (resume_step) {
      // The spike windows continue from the steps logged up to the checkpoint (opening the log
      // has cut it there, a line half-written by a kill included).
      TERSE_ASSIGN_OR_RETURN(const MetricsLogLines logged,
                             read_metrics_log(run_dir_ / kMetricsFile));
      for (const auto& [step, m] : logged) {
        if (m.count("loss") > 0) loss_spikes_.add(m.at("loss"));
        if (m.count("grad_norm") > 0) grad_norm_spikes_.add(m.at("grad_norm"));
      }
    }
    TERSE_ASSIGN_OR_RETURN(TensorBoardWriter writer, TensorBoardWriter::open(run_dir_));
    events.emplace(std::move(writer));
    TERSE_RETURN_IF_ERROR(truncate_samples(run_dir_ / kSamplesFile, resume_step));
    console << absl::StrFormat(
        "train: %s, %d prompts x %d samples per step on %d rank(s), %d train / %d eval problems, "
        "from step %d of %d\n",
        t.algorithm == Algorithm::kGrpo ? "grpo" : "ppo", t.batch_prompts,
        config_.rollout.group_size, group_.world_size(), train_.size(), test_.size(), state_.step,
        t.steps);
  }
  Progress progress = Progress::on_stderr("train", t.steps);
  CpuMeter cpu;
  while (state_.step < t.steps) {
    TERSE_ASSIGN_OR_RETURN(Metrics metrics, train_step());
    const int64_t step = state_.step;
    const bool eval_now = t.eval_every > 0 && (step % t.eval_every == 0 || step == t.steps);
    if (eval_now) {
      TERSE_ASSIGN_OR_RETURN(const EvalResult result, evaluate());
      if (main) {
        const Metrics eval = result.metrics();
        metrics.insert(eval.begin(), eval.end());
        TERSE_RETURN_IF_ERROR(write_samples(result));
      }
    }
    if (main) {
      const Metrics used = cpu.lap();  // this step's CPU time, from the last step's log line on
      metrics.insert(used.begin(), used.end());
      detect_spikes(metrics, console);
      TERSE_RETURN_IF_ERROR(log->write(step, metrics));
      TERSE_RETURN_IF_ERROR(events->write(step, metrics));
      console << absl::StrFormat(
          "step %d/%d  reward %.3f  acc %.3f  len %.1f  kl %.4f  clip %.3f  loss %.4f  %.0f tok/s",
          step, t.steps, metrics["reward/mean"], metrics["reward/accuracy"], metrics["length/mean"],
          metrics["policy/kl"], metrics["policy/clip_frac"], metrics["loss"],
          metrics["tokens_per_s"]);
      if (eval_now) {
        console << absl::StrFormat("  eval acc %.3f len %.1f", metrics["eval/accuracy"],
                                   metrics["eval/length_mean"]);
      }
      console << std::endl;
      progress.update(step, absl::StrFormat("acc %.2f len %.0f", metrics["reward/accuracy"],
                                            metrics["length/mean"]));
    }
    if ((t.save_every > 0 && step % t.save_every == 0) || step == t.steps) {
      TERSE_RETURN_IF_ERROR(save());
    }
  }
  if (main) progress.finish();
  return absl::OkStatus();
}

}  // namespace terse
