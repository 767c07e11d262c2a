// Prompt shards and the rollout worker's weight updates.
#include "rollout/rollout_worker.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/rollout/tiny_model.h"
#include "tokenizers/char_tokenizer.h"

namespace terse {
namespace {

std::vector<PromptSpec> numbered_prompts(int64_t count) {
  std::vector<PromptSpec> prompts;
  for (int64_t i = 0; i < count; ++i) prompts.push_back({{i + 1, i + 2}, i});
  return prompts;
}

std::vector<int64_t> group_ids(const std::vector<PromptSpec>& prompts) {
  std::vector<int64_t> ids;
  ids.reserve(prompts.size());
  for (const PromptSpec& p : prompts) ids.push_back(p.group_id);
  return ids;
}

TEST_CASE("shards split prompts by rank and wrap around", "[prompt_shard]") {
  PromptShard rank0(numbered_prompts(5), 0, 2);
  PromptShard rank1(numbered_prompts(5), 1, 2);
  CHECK(rank0.size() == 3);
  CHECK(rank1.size() == 2);
  CHECK(group_ids(rank0.next(4)) == std::vector<int64_t>{0, 2, 4, 0});
  CHECK(group_ids(rank1.next(3)) == std::vector<int64_t>{1, 3, 1});
  CHECK(rank0.cursor() == 4);
  rank0.set_cursor(2);
  CHECK(group_ids(rank0.next(1)) == std::vector<int64_t>{4});
}

using testing::tiny_rollout_model;

TEST_CASE("a worker samples with the weights it was last given", "[rollout_worker]") {
  GenerationConfig config;
  config.sampling.greedy = true;
  config.max_new_tokens = 8;
  config.group_size = 2;
  RolloutWorker worker(tiny_rollout_model(1, 30), PromptShard(numbered_prompts(4), 0, 1), config,
                       {});
  const Trajectory before = worker.next_batch(2);
  CHECK(before.policy_version == 0);
  CHECK(before.group_ids == std::vector<int64_t>{0, 0, 1, 1});

  Transformer other = tiny_rollout_model(2, 30);
  worker.load_weights(other, 3);
  const Trajectory after = worker.next_batch(2);  // prompts 2 and 3
  CHECK(after.policy_version == 3);
  const std::vector<PromptSpec> all = numbered_prompts(4);
  const Trajectory expected =
      generate(other, std::vector<PromptSpec>(all.begin() + 2, all.end()), config, {}, 0);
  CHECK(at::equal(after.completion_ids, expected.completion_ids));
}

}  // namespace
}  // namespace terse
