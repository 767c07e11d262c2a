// A thinking budget from text: the tags that open and close the thinking span and an optional
// answer prefix, as configs and command-line flags give them, turned into the engine's token ids.
#pragma once

#include "absl/status/statusor.h"
#include "rollout/rollout_config.h"
#include "rollout/sampling_engine.h"
#include "tokenizers/tokenizer.h"

namespace terse {

// The engine's budget for `config` under `tokenizer`. The closing tag must be one token (the
// engine recognises the end of thinking by it) and the opening tag at most one; InvalidArgument
// names the tags otherwise. A budget of -1 gives an unset budget without looking at the tags.
absl::StatusOr<ThinkBudget> make_think_budget(const ThinkBudgetConfig& config,
                                              const Tokenizer& tokenizer);

// "force" or "truncate".
const char* think_mode_name(ThinkBudgetMode mode);

}  // namespace terse
