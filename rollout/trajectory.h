// A batch of sampled completions with everything the trainer needs to learn from them.
//
// Shapes: N samples (groups of G consecutive samples share a prompt), T completion tokens
// (the longest completion of the batch; shorter ones are padded with `pad_id`).
#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>
#include <vector>

namespace terse {

// Why a completion ended.
enum class FinishReason {
  kStop,    // a stop token or stop string was generated (it is part of the completion)
  kLength,  // max_new_tokens was reached
};

struct Trajectory {
  std::vector<std::vector<int64_t>> prompt_ids;  // [N][prompt length] each sample's prompt
  at::Tensor completion_ids;                     // [N, T] int64, pad_id after the end
  at::Tensor completion_mask;                    // [N, T] float32, 1 for generated tokens
  at::Tensor behavior_logprobs;              // [N, T] float32, log pi_behaviour(token), 0 on pad
  std::vector<FinishReason> finish_reasons;  // [N]
  std::vector<int64_t> group_ids;            // [N] which prompt (group) a sample answers
  // [N, T] float32: 1 for the tokens a thinking budget forced (not sampled: their recorded
  // log-prob is 0); undefined when no sample had a budget.
  at::Tensor forced_mask;
  int64_t policy_version = 0;  // weights version that sampled the batch

  int64_t size() const { return static_cast<int64_t>(finish_reasons.size()); }
  // Generated tokens of sample i (without padding).
  std::vector<int64_t> completion(int64_t i) const;
  // Completion lengths [N].
  std::vector<int64_t> lengths() const;
};

// "stop" or "length".
const char* finish_reason_name(FinishReason reason);

}  // namespace terse
