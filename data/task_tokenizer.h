// The tokenizer of the built-in tasks: a character tokenizer over printable ASCII and newline,
// with the four completion tags (`<think>`, `</think>`, `<answer>`, `</answer>`) as single added
// tokens, so a completion's length in tokens is count_tokens() of data/completion.h.
#pragma once

#include <memory>

#include "tokenizers/char_tokenizer.h"

namespace terse {

// The characters of the built-in tasks' prompts and completions: newline, then ' ' to '~'.
std::string task_alphabet();

// The built-in tasks' tokenizer (ids are the same on every call).
std::unique_ptr<CharTokenizer> make_task_tokenizer();

}  // namespace terse
