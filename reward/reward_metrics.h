// What a batch of rewards says: each term's mean, accuracy, the length distribution, and
// tokens per correct answer, the efficiency figure thought-compression papers report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "core/metrics.h"
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

// One sample as the metrics split by outcome and by difficulty level see it.
struct OutcomeSample {
  int64_t level = 0;  // the problem's difficulty level (data/problem.h); 0 unknown
  bool correct = false;
  double tokens = 0;  // completion tokens
};

// Accuracy and length of the samples of one difficulty level.
struct LevelSummary {
  int64_t samples = 0;
  double accuracy = 0;
  double length_mean = 0;
  std::optional<double> tokens_per_correct;  // none when no sample of the level is correct
};

// The length of correct and of wrong answers, and each level's summary when the samples span
// more than one level (levels of 0 do not count).
struct OutcomeSplit {
  std::optional<double> correct_length_mean;  // none when no sample is correct
  std::optional<double> wrong_length_mean;    // none when every sample is correct
  std::map<int64_t, LevelSummary> levels;     // empty unless two or more levels occur
};

OutcomeSplit split_by_outcome(absl::Span<const OutcomeSample> samples);

// The metric names of an OutcomeSplit: `accuracy`, `length` and `tokens_per_correct` get "@L"
// appended for level L; `correct_length` and `wrong_length` are used as given.
struct OutcomeMetricNames {
  const char* accuracy;
  const char* length;
  const char* tokens_per_correct;
  const char* correct_length;
  const char* wrong_length;
};

// Adds `split`'s figures to `metrics` under `names`; absent figures are left out.
void add_outcome_metrics(const OutcomeSplit& split, const OutcomeMetricNames& names,
                         Metrics& metrics);

// The nearest-rank percentile `p` in (0, 100] of `values` (the ⌈p/100·n⌉-th smallest); 0 when
// empty.
double nearest_rank_percentile(std::vector<double> values, double p);

}  // namespace terse
