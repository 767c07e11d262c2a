#include "trainer/data_parallel.h"

#include <ATen/ATen.h>

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

}  // namespace terse
