// The algorithm axis of the RL trainer: how advantages come from rewards, and the loss of a
// micro-batch. One strategy per family; the trainer never asks which it holds.
//
//   GRPO family  one advantage per sample, relative to its group (trainer.loss.advantage_scale:
//                GRPO's std or Dr. GRPO's none), over GFPO's retained samples when
//                trainer.filter.gfpo_keep > 0; the loss is the clipped policy loss
//                (trainer/policy_loss.h).
//   PPO          per-token GAE over the critic's values (the policy's value head, or a separate
//                critic), whitened over every rank's tokens; the loss adds the clipped value
//                loss (trainer/value_loss.h) times trainer.ppo.value_coef.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "core/process_group.h"
#include "models/transformer.h"
#include "trainer/policy_loss.h"
#include "trainer/rl_batch.h"
#include "trainer/training_config.h"

namespace terse {

class RlAlgorithm {
 public:
  virtual ~RlAlgorithm() = default;

  // Sets what the loss needs of each sample from `rewards` ([samples] total rewards): the
  // advantages, and for PPO the critic's old values and returns. May mark samples as not
  // training. Every rank calls it (PPO's whitening reduces over ranks).
  virtual absl::Status set_advantages(std::vector<RlSample>& samples,
                                      const std::vector<double>& rewards) = 0;
  // The loss of one micro-batch (a share of the minibatch's loss, normalised by `norm`) and its
  // metrics (policy/..., value/...).
  virtual LossOutput loss(const RlMicroBatch& batch, const LossNormalizer& norm) = 0;
};

// Group-centred advantages [n] of `rewards` [n] (group ids `group_ids` [n]) divided by the std of
// the centred values over every rank's samples (trainer.loss.advantage_scale: batch_std). Every
// rank calls it, with or without samples.
absl::StatusOr<at::Tensor> batch_std_advantages(ProcessGroup& group, const at::Tensor& rewards,
                                                const at::Tensor& group_ids);

// The strategy of config.trainer.algorithm for `policy` (and `critic`: PPO with
// trainer.ppo.separate_critic; else null). The models must outlive it.
std::unique_ptr<RlAlgorithm> make_rl_algorithm(const TrainingConfig& config, Transformer policy,
                                               Transformer critic, ProcessGroup& group,
                                               int64_t pad_id, at::Device device);

}  // namespace terse
