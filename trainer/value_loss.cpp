#include "trainer/value_loss.h"

#include <ATen/ATen.h>

namespace terse {

LossOutput value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                      const torch::Tensor& returns, const torch::Tensor& mask, double clip,
                      const LossNormalizer& norm) {
  TORCH_CHECK(values.sizes() == old_values.sizes() && values.sizes() == returns.sizes() &&
                  values.sizes() == mask.sizes(),
              "value_loss: values ", values.sizes(), ", old_values ", old_values.sizes(),
              ", returns ", returns.sizes(), " and mask ", mask.sizes(), " must match");
  const at::Tensor unclipped = (values - returns).pow(2);  // [N, T]
  at::Tensor per_token = unclipped;
  at::Tensor was_clipped = at::zeros_like(values);
  if (clip > 0) {
    const at::Tensor v_clip = old_values + at::clamp(values - old_values, -clip, clip);
    const at::Tensor clipped = (v_clip - returns).pow(2);
    per_token = at::max(unclipped, clipped);
    was_clipped = (clipped > unclipped).to(values.dtype());
  }
  LossOutput out;
  out.loss = 0.5 * aggregate(per_token, mask, LossAggregation::kTokenMean, norm);
  const at::NoGradGuard no_grad;
  const at::Tensor m = mask.to(values.dtype());
  const double count = std::max(m.sum().item<double>(), 1.0);
  out.metrics["value/clip_frac"] = (was_clipped * m).sum().item<double>() / count;
  out.metrics["value/mean"] = (values * m).sum().item<double>() / count;
  return out;
}

}  // namespace terse
