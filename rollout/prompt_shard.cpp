#include "rollout/prompt_shard.h"

#include <c10/util/Exception.h>

namespace terse {

PromptShard::PromptShard(const std::vector<PromptSpec>& prompts, int64_t rank, int64_t world_size) {
  TORCH_CHECK(world_size >= 1 && rank >= 0 && rank < world_size, "PromptShard: rank ", rank, " of ",
              world_size);
  for (size_t i = static_cast<size_t>(rank); i < prompts.size();
       i += static_cast<size_t>(world_size)) {
    prompts_.push_back(prompts[i]);
  }
  TORCH_CHECK(!prompts_.empty(), "PromptShard: ", prompts.size(), " prompts leave rank ", rank,
              " of ", world_size, " with none");
}

std::vector<PromptSpec> PromptShard::next(int64_t count) {
  std::vector<PromptSpec> batch;
  for (int64_t i = 0; i < count; ++i) {
    batch.push_back(prompts_[static_cast<size_t>(cursor_ % size())]);
    ++cursor_;
  }
  return batch;
}

}  // namespace terse
