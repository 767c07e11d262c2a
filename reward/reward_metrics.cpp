#include "reward/reward_metrics.h"

#include <algorithm>
#include <cmath>

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

}  // namespace terse
