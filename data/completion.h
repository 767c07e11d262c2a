// The completion format every built-in task and dataset trains on:
//
//   <think>TRACE</think><answer>ANSWER</answer>
//
// The four tags are single tokens of the character-level tokenizer (added tokens) and every
// other character is one token, so a completion's length in tokens is the characters of the
// trace and the answer plus 4.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "data/problem.h"

namespace terse {

inline constexpr absl::string_view kThinkOpen = "<think>";
inline constexpr absl::string_view kThinkClose = "</think>";
inline constexpr absl::string_view kAnswerOpen = "<answer>";
inline constexpr absl::string_view kAnswerClose = "</answer>";

// `<think>trace</think><answer>answer</answer>`.
std::string make_completion(absl::string_view trace, absl::string_view answer);

// The long trace's completion: what supervised training learns.
std::string long_completion(const Problem& problem);
// The core trace's completion: the shortest reasoning of the task's notation.
std::string core_completion(const Problem& problem);
// `<think></think><answer>ANSWER</answer>`: the no-reasoning baseline's completion.
std::string direct_completion(const Problem& problem);

// A trace of `problem` that thinks at most `think_tokens` tokens: its core steps, and the long
// trace's optional blocks in order up to the first that no longer fits (a prefix of the long
// trace's reasoning, so a larger budget keeps everything a smaller one keeps, and a block is
// never kept without the blocks before it that it may refer to). The core trace when even it is
// longer; the long trace when the problem has no core trace (JSONL) or its core steps are not
// found in order among the long trace's pieces.
std::string fitted_trace(const Problem& problem, int64_t think_tokens);
// make_completion(fitted_trace(problem, think_tokens), answer).
std::string fitted_completion(const Problem& problem, int64_t think_tokens);
// The thinking a request for `budget` tokens learns: none for 0, the long trace without a budget
// (-1), fitted_trace for a budget above 0.
std::string budget_trace(const Problem& problem, int64_t budget);

// Tokens of `text` under the character-level tokenizer: each of the four tags counts 1, every
// other UTF-8 character (code point) 1; a stray byte that starts no character counts 1.
int64_t count_tokens(absl::string_view text);

}  // namespace terse
