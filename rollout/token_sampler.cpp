#include "rollout/token_sampler.h"

#include <limits>

namespace terse {

at::Tensor truncate_logits(const at::Tensor& scaled_logits, int64_t top_k, double top_p) {
  at::Tensor logits = scaled_logits;
  const double minus_inf = -std::numeric_limits<double>::infinity();
  const int64_t vocab = logits.size(-1);
  if (top_k > 0 && top_k < vocab) {
    const at::Tensor kth = std::get<0>(logits.topk(top_k, -1)).narrow(-1, top_k - 1, 1);  // [N, 1]
    logits = logits.masked_fill(logits < kth, minus_inf);
  }
  if (top_p < 1.0) {
    const auto [sorted, order] = logits.sort(-1, /*descending=*/true);  // [N, V] each
    const at::Tensor probs = sorted.softmax(-1);
    // Drop a token when the mass before it already reaches top_p (the top token always stays).
    const at::Tensor drop_sorted = (probs.cumsum(-1) - probs) >= top_p;  // [N, V]
    const at::Tensor drop = at::zeros_like(drop_sorted).scatter(-1, order, drop_sorted);
    logits = logits.masked_fill(drop, minus_inf);
  }
  return logits;
}

SampledTokens sample_tokens(const at::Tensor& logits, const SamplingParams& params,
                            at::Generator& generator) {
  TORCH_CHECK(logits.dim() == 2, "sample_tokens: logits must be [N, V], got ", logits.sizes());
  TORCH_CHECK(params.temperature > 0, "sample_tokens: temperature must be > 0, got ",
              params.temperature);
  const at::Tensor scaled = logits.to(at::kFloat) / params.temperature;  // [N, V]
  at::Tensor tokens;
  if (params.greedy) {
    tokens = scaled.argmax(-1);
  } else {
    const at::Tensor probs = truncate_logits(scaled, params.top_k, params.top_p).softmax(-1);
    tokens = at::multinomial(probs, 1, /*replacement=*/false, generator).squeeze(-1);
  }
  const at::Tensor logprobs = scaled.log_softmax(-1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1);
  return {tokens, logprobs};
}

}  // namespace terse
