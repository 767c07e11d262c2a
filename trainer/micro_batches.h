// Gradient accumulation by token budget: sequences of similar length go into one micro-batch
// while its padded size (sequences x longest sequence) stays within the budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace terse {

// Splits sequences of `lengths` into micro-batches of at most `max_tokens` padded tokens (a
// sequence longer than that goes alone): in order of length, shortest first (ties in input
// order), so that a few long sequences do not pad many short ones. Returns their indices, each
// micro-batch in that order; together they hold every index once.
std::vector<std::vector<size_t>> split_by_token_budget(const std::vector<int64_t>& lengths,
                                                       int64_t max_tokens);

}  // namespace terse
