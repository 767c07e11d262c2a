#include "trainer/policy_loss.h"

#include <ATen/ATen.h>

namespace terse {

void PolicyLossConfig::visit(ConfigVisitor& v) {
  v.field("eps_low", eps_low, "Clip the probability ratio below at 1 - eps_low.",
          Range::between(0, 1));
  v.field("eps_high", eps_high,
          "Clip the ratio above at 1 + eps_high; DAPO's clip-higher uses 0.28 with eps_low 0.2.",
          Range::at_least(0));
  v.enum_field("aggregation", aggregation,
               {{"token_mean", LossAggregation::kTokenMean},
                {"seq_mean_token_mean", LossAggregation::kSeqMeanTokenMean},
                {"seq_mean_token_sum_norm", LossAggregation::kSeqMeanTokenSumNorm}},
               "How per-token losses are averaged: token_mean (DAPO), seq_mean_token_mean (GRPO), "
               "seq_mean_token_sum_norm (Dr. GRPO).");
  v.field("norm_tokens", norm_tokens,
          "Constant divisor of seq_mean_token_sum_norm; 0 uses rollout.max_new_tokens.",
          Range::at_least(0));
  v.enum_field("kl", kl,
               {{"none", KlEstimator::kNone}, {"k1", KlEstimator::kK1}, {"k3", KlEstimator::kK3}},
               "KL penalty to the frozen initial policy: none, k1 (log-ratio) or k3 (unbiased, "
               "non-negative).");
  v.field("kl_coef", kl_coef, "Weight (beta) of the per-token KL term.", Range::at_least(0));
  v.enum_field("advantage_scale", advantage_scale,
               {{"std", AdvantageScale::kStd},
                {"none", AdvantageScale::kNone},
                {"batch_std", AdvantageScale::kBatchStd}},
               "Divide group-centred rewards by the group std (GRPO), not at all (Dr. GRPO), or "
               "by their std over the whole batch (batch_std: REINFORCE++-baseline, DLER).");
}

LossNormalizer count_batch(const torch::Tensor& mask, double norm_tokens) {
  TORCH_CHECK(mask.dim() == 2, "count_batch: mask must be [N, T], got ", mask.sizes());
  return {mask.sum().item<double>(), static_cast<double>(mask.size(0)), norm_tokens};
}

LossNormalizer operator+(const LossNormalizer& a, const LossNormalizer& b) {
  return {a.tokens + b.tokens, a.sequences + b.sequences, a.norm_tokens};
}

torch::Tensor aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                        LossAggregation mode, const LossNormalizer& norm) {
  TORCH_CHECK(per_token.sizes() == mask.sizes() && per_token.dim() == 2, "aggregate: values ",
              per_token.sizes(), " and mask ", mask.sizes(), " must both be [N, T]");
  const at::Tensor m = mask.to(per_token.dtype());
  switch (mode) {
    case LossAggregation::kTokenMean:
      return (per_token * m).sum() / std::max(norm.tokens, 1.0);
    case LossAggregation::kSeqMeanTokenMean: {
      const at::Tensor lengths = m.sum(1).clamp_min(1);  // [N]
      return ((per_token * m).sum(1) / lengths).sum() / std::max(norm.sequences, 1.0);
    }
    case LossAggregation::kSeqMeanTokenSumNorm:
      return (per_token * m).sum() / (std::max(norm.sequences, 1.0) * norm.norm_tokens);
  }
  TORCH_CHECK(false, "aggregate: unknown mode");
}

torch::Tensor kl_penalty(const torch::Tensor& logprobs, const torch::Tensor& ref_logprobs,
                         KlEstimator estimator) {
  switch (estimator) {
    case KlEstimator::kNone:
      return at::zeros_like(logprobs);
    case KlEstimator::kK1:
      return logprobs - ref_logprobs;
    case KlEstimator::kK3: {
      const at::Tensor d = ref_logprobs - logprobs;
      return at::exp(d) - d - 1;
    }
  }
  TORCH_CHECK(false, "kl_penalty: unknown estimator");
}

namespace {

double masked_mean(const at::Tensor& values, const at::Tensor& mask) {
  return ((values * mask).sum() / mask.sum().clamp_min(1)).item<double>();
}

void check_inputs(const PolicyLossInputs& in, const char* where) {
  TORCH_CHECK(in.logprobs.dim() == 2 && in.logprobs.sizes() == in.old_logprobs.sizes() &&
                  in.logprobs.sizes() == in.mask.sizes(),
              where, ": logprobs ", in.logprobs.sizes(), ", old_logprobs ", in.old_logprobs.sizes(),
              " and mask ", in.mask.sizes(), " must all be [N, T]");
  TORCH_CHECK(in.advantages.size(0) == in.logprobs.size(0), where, ": advantages ",
              in.advantages.sizes(), " do not match logprobs ", in.logprobs.sizes());
}

// Adds the KL term to `pg` [N, T], aggregates, and fills the metrics; `ratio` and
// `was_clipped` are [N, T] (a sequence ratio broadcast over its tokens for GSPO).
LossOutput finish_loss(const PolicyLossInputs& in, const PolicyLossConfig& config,
                       const LossNormalizer& norm, const at::Tensor& pg_loss,
                       const at::Tensor& ratio, const at::Tensor& was_clipped) {
  LossOutput out;
  out.loss = pg_loss;
  at::Tensor kl;
  if (config.kl != KlEstimator::kNone) {
    TORCH_CHECK(in.ref_logprobs.defined(), "policy_loss: a KL penalty needs ref_logprobs");
    kl = kl_penalty(in.logprobs, in.ref_logprobs, config.kl);  // [N, T]
    out.loss = out.loss + config.kl_coef * aggregate(kl, in.mask, config.aggregation, norm);
  }
  const at::NoGradGuard no_grad;
  const at::Tensor m = in.mask.to(in.logprobs.dtype());
  out.metrics["policy/clip_frac"] = masked_mean(was_clipped.to(m.dtype()), m);
  out.metrics["policy/ratio_mean"] = masked_mean(ratio, m);
  out.metrics["policy/pg_loss"] = pg_loss.item<double>();
  out.metrics["policy/kl"] = kl.defined() ? masked_mean(kl, m) : 0.0;
  // How far the policy moved from the one that sampled (k3 estimate), with or without a reference.
  out.metrics["policy/approx_kl_old"] =
      masked_mean(kl_penalty(in.logprobs, in.old_logprobs, KlEstimator::kK3), m);
  return out;
}

}  // namespace

LossOutput policy_loss(const PolicyLossInputs& in, const PolicyLossConfig& config,
                       const LossNormalizer& norm) {
  check_inputs(in, "policy_loss");
  const at::Tensor advantages =
      in.advantages.dim() == 1 ? in.advantages.unsqueeze(1) : in.advantages;  // [N, 1] or [N, T]
  const at::Tensor ratio = at::exp(in.logprobs - in.old_logprobs);            // [N, T]
  const at::Tensor clipped = at::clamp(ratio, 1.0 - config.eps_low, 1.0 + config.eps_high);
  const at::Tensor pg = at::max(-ratio * advantages, -clipped * advantages);  // [N, T]
  const at::Tensor was_clipped = ((ratio < 1.0 - config.eps_low) & (advantages < 0)) |
                                 ((ratio > 1.0 + config.eps_high) & (advantages > 0));  // [N, T]
  return finish_loss(in, config, norm, aggregate(pg, in.mask, config.aggregation, norm),
                     ratio.detach(), was_clipped);
}

LossOutput sequence_policy_loss(const PolicyLossInputs& in, const PolicyLossConfig& config,
                                const LossNormalizer& norm) {
  check_inputs(in, "sequence_policy_loss");
  TORCH_CHECK(in.advantages.dim() == 1, "sequence_policy_loss: advantages must be [N], got ",
              in.advantages.sizes());
  const at::Tensor m = in.mask.to(in.logprobs.dtype());  // [N, T]
  const at::Tensor tokens = m.sum(1);                    // [N]
  const at::Tensor log_ratio = ((in.logprobs - in.old_logprobs) * m).sum(1) / tokens.clamp_min(1);
  const at::Tensor ratio = at::exp(log_ratio);  // [N]
  const at::Tensor clipped = at::clamp(ratio, 1.0 - config.eps_low, 1.0 + config.eps_high);
  const at::Tensor& a = in.advantages;                               // [N]
  const at::Tensor trains = (tokens > 0).to(m.dtype());              // [N]
  const at::Tensor pg = at::max(-ratio * a, -clipped * a) * trains;  // [N]
  const at::Tensor was_clipped = ((ratio < 1.0 - config.eps_low) & (a < 0)) |
                                 ((ratio > 1.0 + config.eps_high) & (a > 0));  // [N]
  return finish_loss(in, config, norm, pg.sum() / std::max(norm.sequences, 1.0),
                     ratio.detach().unsqueeze(1).expand_as(m),
                     was_clipped.unsqueeze(1).expand_as(m));
}

}  // namespace terse
