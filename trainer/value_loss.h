// PPO's critic loss with value clipping. Shapes: N samples, T completion tokens.
#pragma once

#include <torch/types.h>

#include "trainer/policy_loss.h"

namespace terse {

// 0.5 * max((V - R)^2, (V_clip - R)^2) with V_clip = V_old + clip(V - V_old, -clip, +clip)
// (PPO as implemented in OpenAI baselines; Schulman et al. 2017), token-mean over `mask`.
// `clip` <= 0 disables clipping. `values`, `old_values`, `returns`, `mask` are [N, T].
LossOutput value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                      const torch::Tensor& returns, const torch::Tensor& mask, double clip,
                      const LossNormalizer& norm);

}  // namespace terse
