// What every trainer checks around its updates and checkpoints: an update whose loss or
// gradient is NaN or infinite is skipped (and too many in a row stop the run), and weights that
// are not finite, or differ between data-parallel replicas, are never checkpointed.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <torch/optim/optimizer.h>
#include <vector>

#include "absl/status/statusor.h"
#include "core/process_group.h"

namespace terse {

class NonFiniteGuard {
 public:
  // Stops the run after `max_in_a_row` skipped updates in a row (trainer.max_nonfinite_steps).
  explicit NonFiniteGuard(int64_t max_in_a_row) : max_in_a_row_(max_in_a_row) {}

  // True when the update of `step` may be applied (its loss and gradient norm are finite);
  // false when it must be skipped; an error once max_in_a_row updates in a row were skipped.
  absl::StatusOr<bool> admit(double loss, double grad_norm, int64_t step);
  // Updates skipped so far (train/skipped_updates).
  int64_t skipped() const { return skipped_; }

 private:
  int64_t max_in_a_row_;
  int64_t in_a_row_ = 0;
  int64_t skipped_ = 0;
};

// The end of every optimiser step: clips the gradients of `parameters` to `max_grad_norm` (when
// > 0), then applies `optimizer`'s step, unless `guard` refuses the update of `step` because the
// loss or the gradient norm is not finite; a refused update clears the gradients instead.
// Returns the gradient norm before clipping.
absl::StatusOr<double> apply_update(torch::optim::Optimizer& optimizer,
                                    const std::vector<at::Tensor>& parameters, double max_grad_norm,
                                    double loss, int64_t step, NonFiniteGuard& guard);

// An error when `parameters` hold a NaN or infinite value, or (comparing checksums over `group`)
// any rank's differ from the others'; every rank must call it. `step` names the step.
absl::Status check_replicas_agree(ProcessGroup& group, const std::vector<at::Tensor>& parameters,
                                  int64_t step);

}  // namespace terse
