#include "reward/reward_metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace terse {

double nearest_rank_percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index =
      static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

RewardMetrics summarize_rewards(absl::Span<const RewardSample> samples,
                                absl::Span<const RewardBreakdown> breakdowns) {
  RewardMetrics m;
  m.samples = static_cast<int64_t>(std::min(samples.size(), breakdowns.size()));
  if (m.samples == 0) return m;
  std::vector<double> lengths;
  double tokens = 0;
  for (int64_t i = 0; i < m.samples; ++i) {
    const RewardBreakdown& b = breakdowns[i];
    m.total_mean += b.total;
    m.accuracy += b.accuracy;
    m.format_mean += b.format;
    m.length_term_mean += b.length;
    m.correct += samples[i].correct ? 1 : 0;
    lengths.push_back(static_cast<double>(samples[i].completion_tokens));
    tokens += lengths.back();
  }
  const double n = static_cast<double>(m.samples);
  m.total_mean /= n;
  m.accuracy /= n;
  m.format_mean /= n;
  m.length_term_mean /= n;
  m.length_mean = tokens / n;
  m.length_max = *std::max_element(lengths.begin(), lengths.end());
  m.length_p50 = nearest_rank_percentile(lengths, 50);
  m.length_p90 = nearest_rank_percentile(lengths, 90);
  if (m.correct > 0) m.tokens_per_correct = tokens / static_cast<double>(m.correct);
  return m;
}

OutcomeSplit split_by_outcome(absl::Span<const OutcomeSample> samples) {
  struct Sums {
    double samples = 0, correct = 0, tokens = 0;
  };
  Sums right, wrong;
  std::map<int64_t, Sums> by_level;
  for (const OutcomeSample& s : samples) {
    Sums& outcome = s.correct ? right : wrong;
    outcome.samples += 1;
    outcome.tokens += s.tokens;
    if (s.level <= 0) continue;
    Sums& level = by_level[s.level];
    level.samples += 1;
    level.correct += s.correct ? 1 : 0;
    level.tokens += s.tokens;
  }
  OutcomeSplit split;
  if (right.samples > 0) split.correct_length_mean = right.tokens / right.samples;
  if (wrong.samples > 0) split.wrong_length_mean = wrong.tokens / wrong.samples;
  if (by_level.size() < 2) return split;
  for (const auto& [level, sums] : by_level) {
    LevelSummary& summary = split.levels[level];
    summary.samples = static_cast<int64_t>(sums.samples);
    summary.accuracy = sums.correct / sums.samples;
    summary.length_mean = sums.tokens / sums.samples;
    if (sums.correct > 0) summary.tokens_per_correct = sums.tokens / sums.correct;
  }
  return split;
}

void add_outcome_metrics(const OutcomeSplit& split, const OutcomeMetricNames& names,
                         Metrics& metrics) {
  if (split.correct_length_mean) metrics[names.correct_length] = *split.correct_length_mean;
  if (split.wrong_length_mean) metrics[names.wrong_length] = *split.wrong_length_mean;
  for (const auto& [level, summary] : split.levels) {
    const std::string at = absl::StrCat("@", level);
    metrics[absl::StrCat(names.accuracy, at)] = summary.accuracy;
    metrics[absl::StrCat(names.length, at)] = summary.length_mean;
    if (summary.tokens_per_correct) {
      metrics[absl::StrCat(names.tokens_per_correct, at)] = *summary.tokens_per_correct;
    }
  }
}

}  // namespace terse
