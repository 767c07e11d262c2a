#include "trainer/update_guard.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "trainer/grad_clip.h"

namespace terse {

absl::StatusOr<bool> NonFiniteGuard::admit(double loss, double grad_norm, int64_t step) {
  if (std::isfinite(loss) && std::isfinite(grad_norm)) {
    in_a_row_ = 0;
    return true;
  }
  ++in_a_row_;
  ++skipped_;
  if (in_a_row_ >= max_in_a_row_) {
    return absl::InternalError(absl::StrCat(
        in_a_row_, " updates in a row had a non-finite loss or gradient (step ", step,
        "): lower trainer.lr or check the data and reward; the last checkpoint holds finite "
        "weights"));
  }
  return false;
}

absl::StatusOr<double> apply_update(torch::optim::Optimizer& optimizer,
                                    const std::vector<at::Tensor>& parameters, double max_grad_norm,
                                    double loss, int64_t step, NonFiniteGuard& guard) {
  const double grad_norm = clip_grad_norm(defined_grads(parameters), max_grad_norm);
  TERSE_ASSIGN_OR_RETURN(const bool finite, guard.admit(loss, grad_norm, step));
  if (finite) {
    optimizer.step();
  } else {
    optimizer.zero_grad();
  }
  return grad_norm;
}

absl::Status check_replicas_agree(ProcessGroup& group, const std::vector<at::Tensor>& parameters,
                                  int64_t step) {
  double sum = 0, sum_abs = 0;
  for (const at::Tensor& p : parameters) {
    const at::Tensor v = p.detach().to(at::kDouble);
    sum += v.sum().item<double>();
    sum_abs += v.abs().sum().item<double>();
  }
  if (!std::isfinite(sum_abs)) {
    return absl::InternalError(absl::StrCat("the weights hold NaN or infinite values at step ",
                                            step, ": no checkpoint was written"));
  }
  if (group.world_size() == 1) return absl::OkStatus();
  // Every rank's figures, and their sum: equal replicas give world_size times each rank's.
  at::Tensor figures = at::tensor({sum, sum_abs}, at::kDouble);
  at::Tensor total = figures.clone();
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({total}));
  const double n = static_cast<double>(group.world_size());
  const bool same = at::allclose(total, figures * n, 1e-12, 0.0);
  at::Tensor disagreeing = at::tensor({same ? 0.0 : 1.0}, at::kDouble);
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({disagreeing}));
  if (disagreeing.item<double>() > 0) {
    return absl::InternalError(absl::StrCat(
        "the ranks' weights differ at step ", step,
        " (checksums disagree): the data-parallel update diverged; no checkpoint was written"));
  }
  return absl::OkStatus();
}

}  // namespace terse
