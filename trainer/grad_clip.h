// Global gradient-norm clipping, shared by the SFT and RL trainers.
#pragma once

#include <ATen/ATen.h>
#include <vector>

namespace terse {

// The L2 norm of all of `grads` together (each any shape, any float dtype); when `max_norm` > 0
// and the norm is above it, scales every gradient in place by max_norm / (norm + 1e-6), the rule
// of torch.nn.utils.clip_grad_norm_. Returns the norm before clipping (0 for no gradients).
double clip_grad_norm(const std::vector<at::Tensor>& grads, double max_norm);

// The gradients the last backward pass left on `parameters`, in order; parameters without one
// are left out.
std::vector<at::Tensor> defined_grads(const std::vector<at::Tensor>& parameters);

}  // namespace terse
