// The clipped policy-gradient loss of the GRPO family and PPO, with the KL penalty to a frozen
// reference and the loss-aggregation modes the literature disagrees on.
//
// Shapes: N samples, T completion tokens.
#pragma once

#include <torch/types.h>

#include "core/config_visitor.h"
#include "core/metrics.h"
#include "trainer/advantages.h"

namespace terse {

// How per-token losses become one number.
enum class LossAggregation {
  kTokenMean,  // sum over every token of the batch / token count (DAPO, Yu et al. 2025, eq. 12)
  kSeqMeanTokenMean,  // mean over sequences of each sequence's token mean (GRPO, Shao et al. 2024,
                      // eq. 3)
  kSeqMeanTokenSumNorm,  // sum over tokens / a constant, mean over sequences (Dr. GRPO, Liu et al.
                         // 2025)
};

// KL estimator between the policy and the reference, per token (Schulman 2020, "Approximating KL
// divergence"): k1 = log pi - log pi_ref; k3 = exp(d) - d - 1 with d = log pi_ref - log pi.
enum class KlEstimator { kNone, kK1, kK3 };

struct PolicyLossConfig {
  double eps_low = 0.2;   // ratio clip below: 1 - eps_low (PPO, Schulman et al. 2017)
  double eps_high = 0.2;  // ratio clip above: 1 + eps_high; 0.28 is DAPO's clip-higher
  LossAggregation aggregation = LossAggregation::kTokenMean;
  int64_t norm_tokens = 0;  // seq_mean_token_sum_norm's constant; 0 uses rollout.max_new_tokens
  KlEstimator kl = KlEstimator::kNone;
  double kl_coef = 0.0;  // beta: weight of the per-token KL term in the loss
  AdvantageScale advantage_scale = AdvantageScale::kStd;  // GRPO (std) or Dr. GRPO (none)

  void visit(ConfigVisitor& v);
};

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
