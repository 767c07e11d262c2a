// Summary statistics of completion lengths, for `terse tasks --stats` and the task docs.
#pragma once

#include <cstdint>
#include <vector>

namespace terse {

struct LengthStats {
  int64_t count = 0;
  double mean = 0;
  int64_t p50 = 0;  // median, nearest rank
  int64_t p90 = 0;  // 90th percentile, nearest rank
  int64_t min = 0;
  int64_t max = 0;
};

// The statistics of `lengths` (all zero when empty). Percentiles use the nearest-rank rule:
// the p-th percentile is the ceil(p * n)-th smallest value.
LengthStats summarize_lengths(std::vector<int64_t> lengths);

}  // namespace terse
