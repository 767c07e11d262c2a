// Draws next tokens from logits: temperature, top-k, top-p (nucleus) or greedy.
//
// Shapes: N rows, V vocabulary.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>

namespace terse {

struct SamplingParams {
  double temperature = 1.0;  // > 0; logits are divided by it
  int64_t top_k = 0;         // keep the k most likely tokens; 0 keeps all
  double top_p = 1.0;        // keep the smallest set of tokens whose mass reaches top_p
  bool greedy = false;       // take the most likely token (evaluation); temperature still sets
                             // the reported log-prob
};

struct SampledTokens {
  at::Tensor tokens;    // [N] int64
  at::Tensor logprobs;  // [N] float32: log softmax(logits / temperature) at the token
};

// Samples one token per row of `logits` [N, V] (float32). The reported log-prob is that of the
// temperature-scaled policy before top-k/top-p truncation: the same quantity the trainer
// recomputes from the model (see docs/ARCHITECTURE.md, "Behaviour log-probs").
SampledTokens sample_tokens(const at::Tensor& logits, const SamplingParams& params,
                            at::Generator& generator);

// Logits [N, V] with every token outside top-k / top-p set to -inf (after temperature scaling).
at::Tensor truncate_logits(const at::Tensor& scaled_logits, int64_t top_k, double top_p);

}  // namespace terse
