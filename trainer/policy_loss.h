// The clipped policy-gradient loss of the GRPO family and PPO, with the KL penalty to a frozen
// reference and the loss-aggregation modes the literature disagrees on.
//
// Shapes: N samples, T completion tokens.
#pragma once

#include <torch/types.h>

#include "core/metrics.h"
#include "trainer/advantages.h"
#include "trainer/policy_loss_config.h"

namespace terse {

// Denominators of the aggregation, counted over the whole batch that one optimiser step sees
// (every micro-batch, every rank), so that summing the micro-batch losses gives the loss of the
// whole batch.
struct LossNormalizer {
  double tokens = 0;       // mask-weighted token count
  double sequences = 0;    // number of sequences
  double norm_tokens = 1;  // seq_mean_token_sum_norm's constant
};

// Counts tokens (sum of `mask` [N, T]) and sequences (N) of one batch.
LossNormalizer count_batch(const torch::Tensor& mask, double norm_tokens);

// Adds the counts of two parts of a batch.
LossNormalizer operator+(const LossNormalizer& a, const LossNormalizer& b);

struct PolicyLossInputs {
  torch::Tensor logprobs;      // [N, T] current policy (carries the gradient)
  torch::Tensor old_logprobs;  // [N, T] policy that sampled the tokens (behaviour log-probs)
  torch::Tensor advantages;    // [N] per sequence, or [N, T] per token
  torch::Tensor mask;          // [N, T] 1 for completion tokens that count
  torch::Tensor ref_logprobs;  // [N, T] frozen reference; undefined when config.kl is kNone
};

struct LossOutput {
  torch::Tensor loss;  // scalar
  Metrics metrics;     // policy/{clip_frac, ratio_mean, kl, approx_kl_old, pg_loss}
};

// loss_t = -min(rho_t A, clip(rho_t, 1 - eps_low, 1 + eps_high) A) + kl_coef * kl_t with
// rho_t = exp(logprobs - old_logprobs), aggregated as config.aggregation says with `norm`.
LossOutput policy_loss(const PolicyLossInputs& in, const PolicyLossConfig& config,
                       const LossNormalizer& norm);

// GSPO (Zheng et al. 2025, arXiv 2507.18071, eq. 5-7): one importance ratio per sequence,
// s_i = exp(mean over its tokens of (logprobs - old_logprobs)), the length-normalised sequence
// likelihood ratio, clipped per sequence: loss_i = -min(s_i A_i, clip(s_i, 1 - eps_low,
// 1 + eps_high) A_i), summed over sequences and divided by norm.sequences. `in.advantages` must
// be [N]. A KL term is added per token under config.aggregation. Its clip ranges are far
// narrower than the per-token ones (the paper's: 3e-4 and 4e-4). Metrics as policy_loss, with
// clip_frac the share of tokens whose sequence was clipped.
LossOutput sequence_policy_loss(const PolicyLossInputs& in, const PolicyLossConfig& config,
                                const LossNormalizer& norm);

// Aggregates per-token values [N, T] under `mask` [N, T] as `mode` with the batch counts `norm`.
torch::Tensor aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                        LossAggregation mode, const LossNormalizer& norm);

// Per-token KL estimate [N, T] (no masking).
torch::Tensor kl_penalty(const torch::Tensor& logprobs, const torch::Tensor& ref_logprobs,
                         KlEstimator estimator);

}  // namespace terse
