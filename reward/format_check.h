// The format term: whether a completion follows the expected `<think>…</think>` then answer
// layout. A pure function of the text, linear in its length.
#pragma once

#include "absl/strings/string_view.h"
#include "reward/reward_config.h"

namespace terse {

// True when `completion` holds exactly one thought and then the answer `config.answer` asks for:
// - the thought: `<think>` first (after leading whitespace) and one `</think>` later; with
//   `think_in_prompt` no `<think>` at all (the prompt opened it) and one `</think>`;
// - tags: one `<answer>…</answer>` with non-blank content, and only whitespace around it;
// - boxed: a closed `\boxed{…}` (or `\boxed N`) as the last box after `</think>`;
// - text: anything but whitespace after `</think>`.
bool has_expected_format(absl::string_view completion, const FormatConfig& config);

}  // namespace terse
