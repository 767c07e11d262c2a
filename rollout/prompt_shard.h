// A rank's share of the prompts, read in a fixed order with a cursor a checkpoint can save.
#pragma once

#include <cstdint>
#include <vector>

#include "rollout/sampling_engine.h"

namespace terse {

class PromptShard {
 public:
  // Prompts i with i % world_size == rank, in order. `prompts` must not be empty and must
  // hold at least world_size prompts.
  PromptShard(const std::vector<PromptSpec>& prompts, int64_t rank, int64_t world_size);

  // The next `count` prompts of the shard, wrapping around at its end (an epoch).
  std::vector<PromptSpec> next(int64_t count);

  int64_t size() const { return static_cast<int64_t>(prompts_.size()); }
  // Prompts taken so far (over all epochs): the data cursor saved in checkpoints.
  int64_t cursor() const { return cursor_; }
  void set_cursor(int64_t cursor) { cursor_ = cursor; }

 private:
  std::vector<PromptSpec> prompts_;
  int64_t cursor_ = 0;
};

}  // namespace terse
