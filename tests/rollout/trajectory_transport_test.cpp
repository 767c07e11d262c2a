// Cutting a batch into the spans of prompt groups the trainers receive.
#include "rollout/trajectory_transport.h"

#include <ATen/ATen.h>

#include "tests/catch.h"

namespace terse {
namespace {

// Three groups of two samples; sample i has prompt [i], completion [10i, 10i + 1] (sample 5 cut
// to one token) and log-probs -i.
Trajectory three_groups() {
  Trajectory t;
  t.completion_ids = at::zeros({6, 2}, at::kLong);
  t.completion_mask = at::ones({6, 2});
  t.behavior_logprobs = at::zeros({6, 2});
  for (int64_t i = 0; i < 6; ++i) {
    t.prompt_ids.push_back({i});
    t.completion_ids[i][0] = 10 * i;
    t.completion_ids[i][1] = 10 * i + 1;
    t.behavior_logprobs[i].fill_(-static_cast<double>(i));
    t.finish_reasons.push_back(i % 2 == 0 ? FinishReason::kStop : FinishReason::kLength);
    t.group_ids.push_back(100 + i / 2);
  }
  t.completion_mask[5][1] = 0;
  t.forced_mask = at::zeros({6, 2});
  t.forced_mask[3][1] = 1;  // a thinking budget forced sample 3's second token
  t.policy_version = 7;
  return t;
}

TEST_CASE("slice_groups keeps whole groups, in order, with every field", "[transport]") {
  const Trajectory part = slice_groups(three_groups(), 1, 2, 2);  // groups 1 and 2: samples 2-5
  REQUIRE(part.size() == 4);
  CHECK(part.policy_version == 7);
  CHECK(part.group_ids == std::vector<int64_t>{101, 101, 102, 102});
  CHECK(part.prompt_ids.front() == std::vector<int64_t>{2});
  CHECK(part.prompt_ids.back() == std::vector<int64_t>{5});
  CHECK(part.completion(0) == std::vector<int64_t>{20, 21});
  CHECK(part.completion(3) == std::vector<int64_t>{50});
  CHECK(part.behavior_logprobs[1][0].item<float>() == -3.0F);
  REQUIRE(part.forced_mask.defined());
  CHECK(part.forced_mask.sum().item<float>() == 1);
  CHECK(part.forced_mask[1][1].item<float>() == 1);
  const bool finishes_kept =
      part.finish_reasons == std::vector<FinishReason>{FinishReason::kStop, FinishReason::kLength,
                                                       FinishReason::kStop, FinishReason::kLength};
  CHECK(finishes_kept);
  CHECK(slice_groups(three_groups(), 0, 3, 2).size() == 6);
}

}  // namespace
}  // namespace terse
