// What a batch of rewards says: each term's mean, accuracy, the length distribution, and
// tokens per correct answer, the efficiency figure thought-compression papers report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "reward/reward_composer.h"

namespace terse {

struct RewardMetrics {
  int64_t samples = 0;
  int64_t correct = 0;
  double total_mean = 0;        // mean of RewardBreakdown::total
  double accuracy = 0;          // mean of the accuracy term: the fraction correct
  double format_mean = 0;       // mean of the format term
  double length_term_mean = 0;  // mean of the length term
  double length_mean = 0;       // completion tokens
  double length_p50 = 0;        // nearest-rank percentiles of completion tokens
  double length_p90 = 0;
  double length_max = 0;
  std::optional<double> tokens_per_correct;  // Σ completion tokens / #correct; none if 0 correct
};

// Summarises a batch; `breakdowns[i]` belongs to `samples[i]` (sizes must match). All zeros for
// an empty batch.
RewardMetrics summarize_rewards(absl::Span<const RewardSample> samples,
                                absl::Span<const RewardBreakdown> breakdowns);

// The nearest-rank percentile `p` in (0, 100] of `values` (the ⌈p/100·n⌉-th smallest); 0 when
// empty.
double nearest_rank_percentile(std::vector<double> values, double p);

}  // namespace terse
