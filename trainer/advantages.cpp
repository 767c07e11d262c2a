#include "trainer/advantages.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>
#include <map>

namespace terse {

torch::Tensor group_advantages(const torch::Tensor& rewards, const torch::Tensor& group_ids,
                               AdvantageScale scale, double eps) {
  TORCH_CHECK(rewards.dim() == 1 && group_ids.dim() == 1 && rewards.size(0) == group_ids.size(0),
              "group_advantages: rewards ", rewards.sizes(), " and group_ids ", group_ids.sizes(),
              " must both be [N]");
  TORCH_CHECK(scale != AdvantageScale::kBatchStd,
              "group_advantages: batch_std reduces over the ranks; use batch_std_advantages");
  const at::Tensor r = rewards.to(at::kCPU, at::kDouble).contiguous();
  const at::Tensor g = group_ids.to(at::kCPU, at::kLong).contiguous();
  const double* r_data = r.data_ptr<double>();
  const int64_t* g_data = g.data_ptr<int64_t>();
  const int64_t n = r.size(0);

  struct Stats {
    double sum = 0, sum_sq_dev = 0;
    int64_t count = 0;
  };
  std::map<int64_t, Stats> groups;
  for (int64_t i = 0; i < n; ++i) {
    Stats& s = groups[g_data[i]];
    s.sum += r_data[i];
    ++s.count;
  }
  for (int64_t i = 0; i < n; ++i) {
    Stats& s = groups[g_data[i]];
    const double dev = r_data[i] - s.sum / s.count;
    s.sum_sq_dev += dev * dev;
  }
  at::Tensor out = at::empty({n}, at::kDouble);
  double* out_data = out.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) {
    const Stats& s = groups[g_data[i]];
    const double centred = r_data[i] - s.sum / s.count;
    if (s.count < 2) {
      out_data[i] = 0.0;
    } else if (scale == AdvantageScale::kStd) {
      out_data[i] = centred / (std::sqrt(s.sum_sq_dev / (s.count - 1)) + eps);
    } else {
      out_data[i] = centred;
    }
  }
  return out.to(rewards.device(), at::kFloat);
}

MomentSums moment_sums(const torch::Tensor& centred) {
  TORCH_CHECK(centred.dim() == 1, "moment_sums: values must be [N], got ", centred.sizes());
  const at::Tensor c = centred.to(at::kCPU, at::kDouble);
  return {c.sum().item<double>(), c.square().sum().item<double>(), static_cast<double>(c.size(0))};
}

double batch_std(const MomentSums& sums) {
  if (sums.count < 2) return 0.0;
  const double mean = sums.sum / sums.count;
  const double sum_sq_dev = std::max(sums.sum_sq - sums.count * mean * mean, 0.0);
  return std::sqrt(sum_sq_dev / (sums.count - 1));
}

GaeResult gae(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& mask,
              double gamma, double lambda) {
  TORCH_CHECK(
      rewards.dim() == 2 && rewards.sizes() == values.sizes() && rewards.sizes() == mask.sizes(),
      "gae: rewards ", rewards.sizes(), ", values ", values.sizes(), " and mask ", mask.sizes(),
      " must all be [N, T]");
  const at::Tensor m = mask.to(values.dtype());
  const at::Tensor v = values * m;
  const int64_t steps = rewards.size(1);
  std::vector<at::Tensor> advantages(steps);
  at::Tensor next_advantage = at::zeros_like(v.select(1, 0));  // [N]
  at::Tensor next_value = at::zeros_like(next_advantage);      // [N]
  for (int64_t t = steps - 1; t >= 0; --t) {
    const at::Tensor valid = m.select(1, t);  // [N]
    const at::Tensor delta = rewards.select(1, t) + gamma * next_value - v.select(1, t);
    next_advantage = (delta + gamma * lambda * next_advantage) * valid;
    next_value = v.select(1, t);
    advantages[t] = next_advantage;
  }
  const at::Tensor a = at::stack(advantages, 1);  // [N, T]
  return {a, (a + v) * m};
}

}  // namespace terse
