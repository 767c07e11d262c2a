// A batch of completions written by hand, as if sampled: for tests of grading and scoring.
#pragma once

#include <ATen/ATen.h>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "rollout/trajectory.h"
#include "tokenizers/tokenizer.h"

namespace terse::testing {

// A batch whose completions are `texts` (encoded with `tokenizer`), each ended by eos when
// `stopped` (finish reason stop; else length), answering the problems `groups`.
inline Trajectory written_batch(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                                const std::vector<bool>& stopped,
                                const std::vector<int64_t>& groups) {
  std::vector<std::vector<int64_t>> rows;
  int64_t longest = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<int64_t> ids;
    for (const int32_t id : tokenizer.encode(texts[i])) ids.push_back(id);
    if (stopped[i]) ids.push_back(*tokenizer.special_ids().eos);
    longest = std::max<int64_t>(longest, static_cast<int64_t>(ids.size()));
    rows.push_back(ids);
  }
  Trajectory batch;
  const auto count = static_cast<int64_t>(texts.size());
  batch.prompt_ids.assign(texts.size(), {*tokenizer.special_ids().bos});
  batch.completion_ids = at::zeros({count, longest}, at::kLong);
  batch.completion_mask = at::zeros({count, longest});
  batch.behavior_logprobs = at::zeros({count, longest});
  for (int64_t i = 0; i < count; ++i) {
    const auto n = static_cast<int64_t>(rows[i].size());
    batch.completion_ids[i].narrow(0, 0, n).copy_(at::tensor(rows[i], at::kLong));
    batch.completion_mask[i].narrow(0, 0, n).fill_(1);
    batch.finish_reasons.push_back(stopped[i] ? FinishReason::kStop : FinishReason::kLength);
    batch.group_ids.push_back(groups[i]);
  }
  return batch;
}

}  // namespace terse::testing
