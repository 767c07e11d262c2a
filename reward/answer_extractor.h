// Finds the final answer in a model's text. Each finder returns a view into its input (no
// copy) and scans it in linear time without recursion, so 1 MB of adversarial output is safe.
// "Last" means the last occurrence: models restate answers, and the final one counts.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"

namespace terse {

inline constexpr absl::string_view kAnswerOpen = "<answer>";
inline constexpr absl::string_view kAnswerClose = "</answer>";

// The content of the last complete `<answer>…</answer>` pair, trimmed; nullopt if blank.
std::optional<absl::string_view> find_tagged_answer(absl::string_view text);

// The content of the last `\boxed{…}` (nested braces allowed) or `\boxed N`, trimmed; nullopt
// when that last box is blank or never closed.
std::optional<absl::string_view> find_boxed_answer(absl::string_view text);

// The rest of the line after the last `####` (the GSM8K convention), trimmed; nullopt if empty.
std::optional<absl::string_view> find_hashes_answer(absl::string_view text);

// What follows the last "answer is" or "answer:" (any case) up to the end of its line or
// sentence, without the closing punctuation; nullopt if empty. Covers "The final answer is 18." and
// "**Answer:** 18".
std::optional<absl::string_view> find_phrase_answer(absl::string_view text);

// The last number in `text`: optional minus sign, digits with `,` thousands groups, an optional
// decimal part and an optional `/denominator`.
std::optional<absl::string_view> find_last_number(absl::string_view text);

// The first marker that matches, in this order: answer tags, `\boxed`, `####`, the answer
// phrase. Inside answer tags the other markers are looked for again, else the whole tag content
// is the answer.
std::optional<absl::string_view> find_marked_answer(absl::string_view text);

// The answer a reference (gold) text gives: its marked answer (GSM8K's `#### 18`), else all of
// it, trimmed.
absl::string_view reference_answer(absl::string_view gold);

// The length of the number that starts at `text[0]` (sign, digits, thousands groups, decimal
// part; no `/`), or 0 when `text` does not start with one.
size_t number_prefix_length(absl::string_view text);

}  // namespace terse
