// Data parallelism over a ProcessGroup: every rank computes the loss of its share of the batch
// with denominators counted over the whole (global) batch, so summing the ranks' gradients gives
// exactly the gradient of the whole batch on one rank.
#pragma once

#include <ATen/core/Tensor.h>
#include <vector>

#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "trainer/policy_loss.h"

namespace terse {

// The batch counts of every rank added up (tokens and sequences; norm_tokens is kept).
absl::StatusOr<LossNormalizer> global_normalizer(ProcessGroup& group, const LossNormalizer& local);

// Sums the gradients of `parameters` over all ranks, in place (parameters without a gradient
// contribute zeros, so every rank sends the same buckets).
absl::Status all_reduce_gradients(ProcessGroup& group, const std::vector<at::Tensor>& parameters);

// (x - mean) / sqrt(var + eps) with mean and (population) variance over the entries of every
// rank where mask is 1; masked-out entries become 0: PPO's advantage whitening over the global
// batch. `x`, `mask` [N, T]. Every rank calls it, also with empty tensors when it holds no
// samples.
absl::StatusOr<at::Tensor> global_masked_whiten(ProcessGroup& group, const at::Tensor& x,
                                                const at::Tensor& mask, double eps = 1e-8);

}  // namespace terse
