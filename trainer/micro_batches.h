// Gradient accumulation by token budget: consecutive sequences go into one micro-batch while its
// padded size (sequences x longest sequence) stays within the budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace terse {

// Splits sequences of `lengths` (in order) into consecutive micro-batches of at most
// `max_tokens` padded tokens; a sequence longer than that goes alone. Returns their indices.
std::vector<std::vector<size_t>> split_by_token_budget(const std::vector<int64_t>& lengths,
                                                       int64_t max_tokens);

}  // namespace terse
