#include "trainer/rollout_collector.h"

#include <algorithm>

#include "core/status.h"
#include "reward/penalty_schedule.h"
#include "reward/reward_metrics.h"
#include "trainer/evaluator.h"
#include "trainer/group_filter.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

// Every rank's per-sample stats, in rank order, on every rank. `capacity` bounds the samples a
// rank can hold; all ranks pass the same value.
absl::StatusOr<std::vector<SampleStats>> gather_stats(ProcessGroup& group,
                                                      const std::vector<SampleStats>& local,
                                                      int64_t capacity) {
  if (group.world_size() == 1) return local;
  constexpr int64_t kFields = 7;
  at::Tensor table = at::zeros({group.world_size(), capacity + 1, kFields}, at::kDouble);
  table[group.rank()][0][0] = static_cast<double>(local.size());
  for (size_t i = 0; i < local.size(); ++i) {
    const SampleStats& s = local[i];
    const double values[kFields] = {s.tokens, s.correct,   s.total, s.length_term,
                                    s.format, s.truncated, s.level};
    for (int64_t f = 0; f < kFields; ++f) table[group.rank()][i + 1][f] = values[f];
  }
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({table}));
  std::vector<SampleStats> all;
  const auto rows = table.accessor<double, 3>();
  for (int64_t r = 0; r < group.world_size(); ++r) {
    for (int64_t i = 1; i <= static_cast<int64_t>(rows[r][0][0]); ++i) {
      all.push_back({rows[r][i][0], rows[r][i][1], rows[r][i][2], rows[r][i][3], rows[r][i][4],
                     rows[r][i][5], rows[r][i][6]});
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
  std::vector<OutcomeSample> outcomes;
  outcomes.reserve(stats.size());
  for (const SampleStats& s : stats) {
    truncated += s.truncated;
    outcomes.push_back({static_cast<int64_t>(s.level), s.correct > 0.5, s.tokens});
  }
  Metrics metrics = {
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
  add_outcome_metrics(
      split_by_outcome(outcomes),
      {"reward/accuracy", "length/mean", "tokens_per_correct", "length/correct", "length/wrong"},
      metrics);
  return metrics;
}

// DAPO's dynamic sampling: which samples belong to groups whose rewards are not all equal.
std::vector<bool> informative(const std::vector<RlSample>& samples,
                              const std::vector<double>& totals) {
  std::vector<SampleScore> scores;
  for (size_t i = 0; i < samples.size(); ++i) {
    scores.push_back(
        {samples[i].group_id, totals[i], static_cast<int64_t>(samples[i].completion_ids.size())});
  }
  return keep_informative_groups(scores);
}

}  // namespace

RolloutCollector::RolloutCollector(const TrainingConfig& config, ProcessGroup& group,
                                   RolloutSource& source, const Tokenizer& tokenizer,
                                   const std::vector<Problem>& problems,
                                   const std::vector<int64_t>& length_targets,
                                   RewardComposer composer)
    : config_(config),
      group_(group),
      source_(source),
      tokenizer_(tokenizer),
      problems_(problems),
      length_targets_(length_targets),
      composer_(std::move(composer)) {}

std::vector<RlSample> RolloutCollector::score(const Trajectory& batch, int64_t step, bool length_on,
                                              std::vector<double>* totals,
                                              std::vector<SampleStats>* stats) const {
  const std::vector<EvalSample> graded =
      grade_batch(batch, problems_, tokenizer_, config_.rollout.group_size, config_.reward);
  std::vector<RewardSample> inputs;
  for (size_t i = 0; i < graded.size(); ++i) {
    RewardSample r = reward_input(graded[i], batch.group_ids[i], tokenizer_, config_.reward.format);
    if (!length_targets_.empty()) {
      r.target_tokens = length_targets_[static_cast<size_t>(r.group_id)];
    }
    inputs.push_back(r);
  }
  const std::vector<RewardBreakdown> rewards = composer_.score(inputs, step, length_on);
  for (size_t i = 0; i < inputs.size(); ++i) {
    totals->push_back(rewards[i].total);
    stats->push_back({static_cast<double>(inputs[i].completion_tokens),
                      inputs[i].correct ? 1.0 : 0.0, rewards[i].total, rewards[i].length,
                      rewards[i].format, inputs[i].finished ? 0.0 : 1.0,
                      static_cast<double>(graded[i].level)});
  }
  return samples_of(batch);
}

absl::StatusOr<Rollout> RolloutCollector::collect(int64_t step,
                                                  const std::vector<double>& recent_accuracy) {
  const SampleFilterConfig& filter = config_.trainer.filter;
  const bool length_on = lazy_gate_open(config_.reward.length_penalty.gate, recent_accuracy);
  const int64_t prompts = config_.trainer.batch_prompts / group_.world_size();
  const int64_t group_size = config_.rollout.group_size;
  const int64_t rounds = filter.refill && source_.can_refill() ? kMaxRefillRounds : 1;
  Rollout rollout;
  std::vector<SampleStats> stats;  // of every sample drawn
  int64_t kept_groups = 0;
  int64_t forced = 0;  // samples drawn whose thinking a budget ended
  for (int64_t round = 0; round < rounds && kept_groups < prompts; ++round) {
    TERSE_ASSIGN_OR_RETURN(const std::vector<Trajectory> sampled,
                           source_.sample(step, &rollout.cursor));
    std::vector<double> round_totals;
    std::vector<RlSample> round_samples;
    for (const Trajectory& part : sampled) {
      for (RlSample& sample : score(part, step, length_on, &round_totals, &stats)) {
        forced += sample.forced.empty() ? 0 : 1;
        round_samples.push_back(std::move(sample));
      }
    }
    const std::vector<bool> keep = filter.dynamic_sampling
                                       ? informative(round_samples, round_totals)
                                       : std::vector<bool>(round_samples.size(), true);
    for (size_t i = 0; i < round_samples.size(); ++i) {
      if (!keep[i]) continue;
      if (i % static_cast<size_t>(group_size) == 0) {
        if (kept_groups == prompts) break;  // a refill round may bring more than needed
        ++kept_groups;
      }
      rollout.samples.push_back(std::move(round_samples[i]));
      rollout.rewards.push_back(round_totals[i]);
    }
  }
  TERSE_ASSIGN_OR_RETURN(const std::vector<SampleStats> all,
                         gather_stats(group_, stats, prompts * group_size * rounds));
  rollout.metrics = reward_and_length_metrics(all);
  rollout.metrics["reward/length_on"] = length_on ? 1.0 : 0.0;
  if (filter.mask_truncated) {
    for (RlSample& s : rollout.samples) s.trains = s.trains && s.finish == FinishReason::kStop;
  }
  const auto drawn = static_cast<double>(stats.size());
  TERSE_ASSIGN_OR_RETURN(
      const Metrics counts,
      reduce_metrics(group_,
                     {{"samples/drawn", drawn},
                      {"samples/kept", static_cast<double>(rollout.samples.size())},
                      {"samples/forced", static_cast<double>(forced)}},
                     {/*tokens=*/0, /*samples=*/drawn}));
  rollout.metrics.insert(counts.begin(), counts.end());
  return rollout;
}

}  // namespace terse
