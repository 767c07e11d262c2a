// Choosing which sampled completions train: DAPO's dynamic sampling and GFPO's length filter.
// Pure functions on per-sample records; a kept sample is `true`.
#pragma once

#include <cstdint>
#include <vector>

namespace terse {

// What the filters read of one sample.
struct SampleScore {
  int64_t group_id;  // which prompt it answers
  double reward;
  int64_t length;  // completion tokens
};

// DAPO dynamic sampling (Yu et al. 2025, §3.2): drop every group whose rewards are all equal
// (their group advantages are all zero and teach nothing); keep the rest.
std::vector<bool> keep_informative_groups(const std::vector<SampleScore>& samples,
                                          double tolerance = 1e-9);

enum class GfpoMetric {
  kShortest,        // keep the k shortest of each group
  kRewardPerToken,  // keep the k with the highest reward / length
};

// GFPO (Shrivastava et al. 2025, "Sample More to Think Less"): from each group of G samples keep
// the k best by `metric` (ties broken by position); the others are filtered out (their advantage
// is zeroed by the trainer). Groups with at most k samples are kept whole.
std::vector<bool> gfpo_keep(const std::vector<SampleScore>& samples, int64_t k, GfpoMetric metric);

}  // namespace terse
