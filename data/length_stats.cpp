#include "data/length_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace terse {
namespace {

int64_t nearest_rank(const std::vector<int64_t>& sorted, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

}  // namespace

LengthStats summarize_lengths(std::vector<int64_t> lengths) {
  LengthStats stats;
  if (lengths.empty()) return stats;
  std::sort(lengths.begin(), lengths.end());
  stats.count = static_cast<int64_t>(lengths.size());
  stats.mean = static_cast<double>(std::accumulate(lengths.begin(), lengths.end(), int64_t{0})) /
               static_cast<double>(lengths.size());
  stats.p50 = nearest_rank(lengths, 0.5);
  stats.p90 = nearest_rank(lengths, 0.9);
  stats.min = lengths.front();
  stats.max = lengths.back();
  return stats;
}

}  // namespace terse
