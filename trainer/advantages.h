// Advantage estimation: group-relative (GRPO family) and GAE (PPO). Pure functions.
//
// Shapes: N samples, T completion tokens.
#pragma once

#include <cstdint>
#include <torch/types.h>
#include <vector>

#include "trainer/policy_loss_config.h"

namespace terse {

// A_i = (r_i - mean_g(r)) / (std_g(r) + eps) for sample i of group g, or r_i - mean_g(r) with
// kNone. The std is the unbiased (n - 1) sample std; a group of one sample gets advantage 0.
// kBatchStd needs every rank's samples: batch_std_advantages (trainer/rl_algorithm.h) computes
// it from the kNone values. `rewards` [N] (float), `group_ids` [N] (any integers; equal ids form a
// group). Returns [N] float32 on the rewards' device.
torch::Tensor group_advantages(const torch::Tensor& rewards, const torch::Tensor& group_ids,
                               AdvantageScale scale, double eps = 1e-6);

// The sums behind kBatchStd's std of `centred` [N] (group-centred rewards): sum, sum of squares
// and count, so that ranks can add theirs before batch_std() combines them.
struct MomentSums {
  double sum = 0, sum_sq = 0, count = 0;
};
MomentSums moment_sums(const torch::Tensor& centred);
// The unbiased standard deviation of the values behind `sums` (0 with fewer than two).
double batch_std(const MomentSums& sums);

// Generalised advantage estimation (Schulman et al. 2016, eq. 16): with
// delta_t = r_t + gamma * V_{t+1} - V_t (V past the last valid token is 0),
// A_t = delta_t + gamma * lambda * A_{t+1}; returns R_t = A_t + V_t alongside.
struct GaeResult {
  torch::Tensor advantages;  // [N, T], 0 where mask is 0
  torch::Tensor returns;     // [N, T], 0 where mask is 0
};

// `rewards`, `values`, `mask` are [N, T]; mask marks each row's valid tokens as one contiguous
// prefix (right padding).
GaeResult gae(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& mask,
              double gamma, double lambda);

}  // namespace terse
