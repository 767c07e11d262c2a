// The RL trainer's view of sampled completions: one record per sample with everything its loss
// needs, and the padded tensors of a micro-batch of them.
//
// A sample's sequence is [prompt completion] (the prompt starts with bos). The model reads the
// sequence without its last token; completion token t is predicted at position P - 1 + t (P the
// prompt length), so log-probs and values are gathered there and laid out like the
// Trajectory's [N, T] completion tensors.
//
// Shapes: n samples in a micro-batch, L input positions (the longest sequence minus one),
// T completion tokens (the longest completion), H hidden size.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "models/transformer.h"
#include "rollout/trajectory.h"

namespace terse {

struct RlSample {
  std::vector<int64_t> prompt_ids;      // [P] bos + prompt
  std::vector<int64_t> completion_ids;  // [C] what was sampled, the stop token included
  std::vector<float> old_logprobs;      // [C] behaviour log-probs (the old policy)
  std::vector<bool> forced;             // [C] tokens a thinking budget forced, not sampled: they
                                        // are left out of the loss; empty when none were
  std::vector<float> ref_logprobs;      // [C] frozen reference; empty without a KL term
  std::vector<float> old_values;        // [C] PPO: the critic before the update
  std::vector<float> token_advantages;  // [C] PPO: GAE advantages
  std::vector<float> returns;           // [C] PPO: the critic's targets
  double advantage = 0;                 // GRPO: one advantage for every token
  bool trains = true;                   // false: counted in the metrics but masked out of the loss
  int64_t group_id = 0;
  int64_t policy_version = 0;
  FinishReason finish = FinishReason::kLength;
};

// The samples of `batch` in its row order (prompt, completion, behaviour log-probs, finish).
std::vector<RlSample> samples_of(const Trajectory& batch);

struct RlMicroBatch {
  at::Tensor inputs;            // [n, L] int64, pad after the end
  at::Tensor attention_mask;    // [n, L] int64
  at::Tensor position_ids;      // [n, L] int64
  at::Tensor completion_index;  // [n, T] int64: the input position predicting token t
  at::Tensor completion_ids;    // [n, T] int64
  at::Tensor mask;              // [n, T] float32: sampled completion tokens of samples that train
  at::Tensor old_logprobs;      // [n, T] float32
  at::Tensor advantages;        // [n] (GRPO) or [n, T] (PPO) float32
  at::Tensor ref_logprobs;      // [n, T] float32, or undefined
  at::Tensor old_values;        // [n, T] float32, or undefined
  at::Tensor returns;           // [n, T] float32, or undefined
};

// Pads `samples` (at least one, each with a completion) into tensors on `device`. Per-token
// advantages are used when the samples carry them (PPO), else the per-sample advantage.
RlMicroBatch make_rl_micro_batch(const std::vector<const RlSample*>& samples, int64_t pad_id,
                                 at::Device device);

// Input length (sequence minus one) of each sample: what micro-batches are budgeted by.
std::vector<int64_t> input_lengths(const std::vector<const RlSample*>& samples);

// Calls `fn` with each micro-batch of `samples` (at most `token_budget` padded input tokens,
// trainer/micro_batches.h) on `device`, the indices in `samples` of its rows and the rows
// themselves; stops at the first error.
using MicroBatchFn =
    std::function<absl::Status(const RlMicroBatch& batch, const std::vector<size_t>& indices,
                               const std::vector<const RlSample*>& rows)>;
absl::Status for_each_micro_batch(const std::vector<const RlSample*>& samples, int64_t token_budget,
                                  int64_t pad_id, at::Device device, const MicroBatchFn& fn);

// Pointers to every sample, in order.
std::vector<const RlSample*> sample_pointers(const std::vector<RlSample>& samples);

struct PolicyOutputs {
  at::Tensor logprobs;  // [n, T] float32: log softmax(logits / temperature) at the token
  at::Tensor values;    // [n, T] float32 from the value head, or undefined
};

// One forward pass of `model` over the micro-batch. The log-probs are those of the
// temperature-scaled policy, the quantity the sampler recorded (the output layer has no bias,
// so scaling the hidden state scales the logits). With `values`, the model's value head is read
// at the same positions.
PolicyOutputs policy_forward(Transformer& model, const RlMicroBatch& batch, double temperature,
                             bool values);

// Per-sample rows of an [n, T] tensor, each cut to its sample's completion length.
std::vector<std::vector<float>> unpad_rows(const at::Tensor& values,
                                           const std::vector<const RlSample*>& samples);

}  // namespace terse
