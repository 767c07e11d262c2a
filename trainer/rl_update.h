// The update stage of an RL step: trainer.epochs passes over the samples that train, each in
// trainer.minibatches optimiser steps. A minibatch step sums the micro-batches' shares of the
// loss (trainer/rl_algorithm.h), sums gradients over ranks, clips them and applies AdamW unless
// the loss or gradient is not finite (trainer/update_guard.h).
#pragma once

#include <cstdint>
#include <torch/optim/adamw.h>
#include <vector>

#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "models/transformer.h"
#include "trainer/rl_algorithm.h"
#include "trainer/rl_batch.h"
#include "trainer/training_config.h"
#include "trainer/update_guard.h"

namespace terse {

class RlUpdate {
 public:
  // `parameters` are those `optimizer` updates. Every reference must outlive the update.
  RlUpdate(const TrainingConfig& config, ProcessGroup& group, RlAlgorithm& algorithm,
           torch::optim::AdamW& optimizer, std::vector<at::Tensor> parameters, int64_t pad_id,
           at::Device device, NonFiniteGuard& guard);

  // The optimiser steps of step `step` (0-based: the step being made) on `samples`; returns the
  // mean of their metrics (loss, grad_norm, policy/..., value/...).
  absl::StatusOr<Metrics> run(const std::vector<RlSample>& samples, int64_t step);

 private:
  absl::StatusOr<Metrics> minibatch_step(const std::vector<const RlSample*>& samples, int64_t step);

  const TrainingConfig& config_;
  ProcessGroup& group_;
  RlAlgorithm& algorithm_;
  torch::optim::AdamW& optimizer_;
  std::vector<at::Tensor> parameters_;
  int64_t pad_id_;
  at::Device device_;
  NonFiniteGuard& guard_;
};

// Sets each sample's ref_logprobs: the log-probs of the frozen `reference` policy at its
// completion tokens (the KL term's anchor).
absl::Status set_reference_logprobs(Transformer& reference, std::vector<RlSample>& samples,
                                    const TrainingConfig& config, int64_t pad_id,
                                    at::Device device);

}  // namespace terse
