// The settings of the policy loss (trainer.loss): clipping, aggregation, KL term and advantage
// scale. LibTorch-free, so that every config reader can include it; the loss itself is
// trainer/policy_loss.h.
#pragma once

#include <cstdint>

#include "core/config_visitor.h"

namespace terse {

// How group-relative advantages are scaled after the group mean is subtracted.
enum class AdvantageScale {
  kStd,       // divide by the group's standard deviation (GRPO; Shao et al. 2024, §4.1.2)
  kNone,      // keep the raw difference (Dr. GRPO; Liu et al. 2025, "Understanding R1-Zero-Like
              // Training", §3.1: the std division biases updates toward easy and hard prompts)
  kBatchStd,  // divide by the standard deviation of the centred values over the whole batch
              // (REINFORCE++-baseline, Hu et al. 2025, arXiv 2501.03262; used by DLER, Liu et
              // al. 2025, arXiv 2510.15110)
};

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

}  // namespace terse
