// Where the thinking ends and the answer begins in a completion that follows the
// `<think>…</think> answer` layout. Byte offsets only: callers that count tokens map them.
#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace terse {

inline constexpr absl::string_view kThinkOpen = "<think>";
inline constexpr absl::string_view kThinkClose = "</think>";

// Byte range [begin, end) of the thinking text, tags excluded.
struct ThinkSpan {
  size_t begin = 0;
  size_t end = 0;
};

// The thinking text of `completion`: from after its first `<think>` (or from the start when
// there is none, for templates that open the thought in the prompt) to its last `</think>`, or
// to the end when the thought was never closed (a truncated sample thinks until the end).
ThinkSpan find_think_span(absl::string_view completion);

// The text after the last `</think>`, or all of `completion` when no thought was closed. Verifiers
// look for the answer here, so candidate answers inside the thinking are not graded.
absl::string_view answer_region(absl::string_view completion);

}  // namespace terse
