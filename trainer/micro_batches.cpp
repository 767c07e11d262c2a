#include "trainer/micro_batches.h"

#include <algorithm>
#include <numeric>

namespace terse {

std::vector<std::vector<size_t>> split_by_token_budget(const std::vector<int64_t>& lengths,
                                                       int64_t max_tokens) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lengths[a] < lengths[b]; });
  std::vector<std::vector<size_t>> parts;
  for (const size_t i : order) {
    // Sorted: the sequence joining a micro-batch is its longest.
    const auto rows = static_cast<int64_t>(parts.empty() ? 0 : parts.back().size() + 1);
    if (parts.empty() || rows * lengths[i] > max_tokens) {
      parts.push_back({i});
    } else {
      parts.back().push_back(i);
    }
  }
  return parts;
}

}  // namespace terse
