#include "trainer/micro_batches.h"

#include <algorithm>

namespace terse {

std::vector<std::vector<size_t>> split_by_token_budget(const std::vector<int64_t>& lengths,
                                                       int64_t max_tokens) {
  std::vector<std::vector<size_t>> parts;
  int64_t longest = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    const int64_t wanted = std::max(longest, lengths[i]);
    const auto rows = static_cast<int64_t>(parts.empty() ? 0 : parts.back().size() + 1);
    if (parts.empty() || rows * wanted > max_tokens) {
      parts.push_back({i});
      longest = lengths[i];
    } else {
      parts.back().push_back(i);
      longest = wanted;
    }
  }
  return parts;
}

}  // namespace terse
