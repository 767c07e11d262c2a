#include "trainer/group_filter.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace terse {
namespace {

// Sample indices by group, each group in sample order.
std::map<int64_t, std::vector<size_t>> by_group(const std::vector<SampleScore>& samples) {
  std::map<int64_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < samples.size(); ++i) groups[samples[i].group_id].push_back(i);
  return groups;
}

}  // namespace

std::vector<bool> keep_informative_groups(const std::vector<SampleScore>& samples,
                                          double tolerance) {
  std::vector<bool> keep(samples.size(), false);
  for (const auto& [group, members] : by_group(samples)) {
    const auto [lo, hi] = std::minmax_element(
        members.begin(), members.end(),
        [&](size_t a, size_t b) { return samples[a].reward < samples[b].reward; });
    const bool informative = samples[*hi].reward - samples[*lo].reward > tolerance;
    for (size_t i : members) keep[i] = informative;
  }
  return keep;
}

std::vector<bool> gfpo_keep(const std::vector<SampleScore>& samples, int64_t k, GfpoMetric metric) {
  std::vector<bool> keep(samples.size(), false);
  auto better = [&](size_t a, size_t b) {
    if (metric == GfpoMetric::kShortest) return samples[a].length < samples[b].length;
    const double ra = samples[a].reward / std::max<int64_t>(samples[a].length, 1);
    const double rb = samples[b].reward / std::max<int64_t>(samples[b].length, 1);
    return ra > rb;
  };
  for (auto [group, members] : by_group(samples)) {
    std::stable_sort(members.begin(), members.end(), better);
    const size_t kept =
        std::min<size_t>(members.size(), static_cast<size_t>(std::max<int64_t>(k, 0)));
    for (size_t j = 0; j < kept; ++j) keep[members[j]] = true;
  }
  return keep;
}

}  // namespace terse
