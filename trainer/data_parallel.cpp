#include "trainer/data_parallel.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

#include "core/status.h"

namespace terse {

absl::StatusOr<LossNormalizer> global_normalizer(ProcessGroup& group, const LossNormalizer& local) {
  const at::Tensor counts = at::tensor({local.tokens, local.sequences}, at::kDouble);  // [2]
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({counts}));
  return LossNormalizer{counts[0].item<double>(), counts[1].item<double>(), local.norm_tokens};
}

absl::Status all_reduce_gradients(ProcessGroup& group, const std::vector<at::Tensor>& parameters) {
  std::vector<at::Tensor> grads;
  for (const at::Tensor& parameter : parameters) {
    at::Tensor p = parameter;
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
    grads.push_back(p.grad());
  }
  return group.all_reduce_sum(grads);
}

absl::StatusOr<at::Tensor> global_masked_whiten(ProcessGroup& group, const at::Tensor& x,
                                                const at::Tensor& mask, double eps) {
  const at::Tensor m = mask.to(at::kDouble);
  const at::Tensor xd = x.to(at::kDouble);
  // [3]: token count, sum and sum of squares over this rank's masked values, then every rank's.
  const at::Tensor sums = at::stack({m.sum(), (xd * m).sum(), (xd * xd * m).sum()}).cpu();
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({sums}));
  const double count = std::max(1.0, sums[0].item<double>());
  const double mean = sums[1].item<double>() / count;
  const double var = std::max(0.0, sums[2].item<double>() / count - mean * mean);
  return ((xd - mean) / std::sqrt(var + eps) * m).to(x.scalar_type());
}

}  // namespace terse
