// Teacher-forcing batches of supervised fine-tuning and their loss. A sequence is
//
//   [bos] prompt completion [eos]
//
// and the model learns to predict each completion token and the eos from everything before it;
// the prompt's tokens are context only (masked out of the loss).
//
// Shapes: N sequences, T = the longest sequence of the batch minus one (inputs and targets are
// the sequence shifted by one token).
#pragma once

#include <ATen/ATen.h>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "data/problem.h"
#include "models/transformer.h"
#include "reward/length_target.h"
#include "reward/reward_config.h"
#include "tokenizers/tokenizer.h"
#include "trainer/sft_config.h"

namespace terse {

// One tokenized training sequence.
struct SftExample {
  std::vector<int64_t> ids;   // [bos] prompt completion [eos]
  int64_t prompt_tokens = 0;  // leading ids that are context only ([bos] and the prompt)
};

// Tokens of `example` that the loss counts: the completion and the eos.
inline int64_t sft_loss_tokens(const SftExample& example) {
  return static_cast<int64_t>(example.ids.size()) - std::max<int64_t>(example.prompt_tokens, 1);
}

// The model's input for `problem`: [bos] (when the tokenizer has one) and the prompt's ids.
// Rollouts of a model trained by SFT must start from the same ids.
std::vector<int64_t> sft_prompt_ids(const Tokenizer& tokenizer, const Problem& problem);

// The completion of `problem` that `target` names (data/completion.h).
std::string sft_completion(const Problem& problem, SftTarget target);

// Asks each of `problems` for an effort: problem i gets the request of key first_key + i under
// `seed` (draw_effort_request: a mode or a numeric budget, or without reward.effort the L1
// target) and its instruction appended to the prompt. SFT and RL both ask this way, so their
// prompts agree. Returns the requests, in order.
std::vector<EffortRequest> ask_for_effort(const RewardConfig& reward, uint64_t seed,
                                          uint64_t first_key, std::vector<Problem>* problems);

// The completion each of `problems` learns under `target`. With kEffort each prompt gains an
// effort request (reward/length_target.h: keys first_key, first_key + 1, … under `seed`, as RL
// draws them, so SFT and RL prompts agree): a request for no thinking (budget 0) learns the
// direct answer — one model for both, as Qwen3 fuses its thinking and non-thinking modes — one
// without a budget (-1) the long trace, and a budget of B tokens the long trace's optional blocks
// in order while they fit B (data/completion.h budget_trace), so that every request starts
// from an answer that keeps it.
std::vector<std::string> sft_completions(SftTarget target, const RewardConfig& reward,
                                         uint64_t seed, uint64_t first_key,
                                         std::vector<Problem>* problems);

// The examples of `problems`, problem i learning completions[i]. FailedPrecondition naming the
// longest sequence when one is longer than `max_seq_len` tokens, or when the tokenizer has no
// eos token.
absl::StatusOr<std::vector<SftExample>> make_sft_examples(
    const Tokenizer& tokenizer, const std::vector<Problem>& problems,
    const std::vector<std::string>& completions, int64_t max_seq_len);
// The same with one target for all (not kEffort, which sft_completions resolves).
absl::StatusOr<std::vector<SftExample>> make_sft_examples(const Tokenizer& tokenizer,
                                                          const std::vector<Problem>& problems,
                                                          SftTarget target, int64_t max_seq_len);

struct SftBatch {
  at::Tensor inputs;          // [N, T] int64: ids[:-1], pad_id after the end
  at::Tensor targets;         // [N, T] int64: ids[1:], pad_id after the end
  at::Tensor attention_mask;  // [N, T] int64: 1 for real input tokens
  at::Tensor position_ids;    // [N, T] int64: 0, 1, 2, ...
  at::Tensor loss_mask;       // [N, T] float32: 1 where the target is a completion token or eos
  int64_t tokens = 0;         // real input tokens of the batch
  int64_t loss_tokens = 0;    // sum of loss_mask
};

// Right-padded batch of `examples` (at least one, each at least 2 ids) on `device`.
SftBatch make_sft_batch(const std::vector<const SftExample*>& examples, int64_t pad_id,
                        at::Device device);

// Splits `examples` (in order) into consecutive micro-batches whose padded size (sequences x
// longest sequence) is at most `max_tokens`; a sequence longer than that goes alone.
std::vector<std::vector<const SftExample*>> split_micro_batches(
    const std::vector<const SftExample*>& examples, int64_t max_tokens);

// Sum over the batch's loss tokens of -log p(target), a float32 scalar carrying the gradient.
// Dividing by the loss tokens of the whole optimiser batch gives its token-mean loss.
at::Tensor sft_loss_sum(Transformer& model, const SftBatch& batch);

}  // namespace terse
