#include "rollout/think_tags.h"

#include "absl/strings/str_cat.h"

namespace terse {

absl::StatusOr<ThinkBudget> make_think_budget(const ThinkBudgetConfig& config,
                                              const Tokenizer& tokenizer) {
  ThinkBudget budget;
  budget.tokens = config.tokens;
  budget.mode = config.mode;
  if (config.tokens < 0) return budget;
  const std::vector<int32_t> open = tokenizer.encode_with_special(config.open_tag);
  const std::vector<int32_t> close = tokenizer.encode_with_special(config.close_tag);
  if (close.size() != 1 || open.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the closing thinking tag `", config.close_tag, "` is ", close.size(),
        " tokens and the opening tag `", config.open_tag, "` ", open.size(),
        " for this tokenizer; the thinking tags must be single tokens (as `<think>` and "
        "`</think>` are for the built-in tasks and Qwen3)"));
  }
  budget.open_id = open.empty() ? -1 : open.front();
  budget.close_ids = {close.front()};
  for (const int32_t id : tokenizer.encode(config.answer_prefix)) budget.close_ids.push_back(id);
  return budget;
}

const char* think_mode_name(ThinkBudgetMode mode) {
  return mode == ThinkBudgetMode::kForce ? "force" : "truncate";
}

}  // namespace terse
