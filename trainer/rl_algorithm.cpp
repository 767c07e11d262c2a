#include "trainer/rl_algorithm.h"

#include <torch/utils.h>

#include "core/status.h"
#include "trainer/advantages.h"
#include "trainer/data_parallel.h"
#include "trainer/group_filter.h"
#include "trainer/value_loss.h"

namespace terse {
namespace {

// The clipped policy loss of `model`'s log-probs on `batch`; `values` also reads the value head.
LossOutput clipped_policy_loss(Transformer& model, const RlMicroBatch& batch,
                               const TrainingConfig& config, const LossNormalizer& norm,
                               bool values, at::Tensor* value_out) {
  const PolicyOutputs out = policy_forward(model, batch, config.rollout.temperature, values);
  if (value_out != nullptr) *value_out = out.values;
  const PolicyLossInputs inputs{out.logprobs, batch.old_logprobs, batch.advantages, batch.mask,
                                batch.ref_logprobs};
  if (config.trainer.algorithm == Algorithm::kGspo) {
    return sequence_policy_loss(inputs, config.trainer.loss, norm);
  }
  return policy_loss(inputs, config.trainer.loss, norm);
}

}  // namespace

absl::StatusOr<at::Tensor> batch_std_advantages(ProcessGroup& group, const at::Tensor& rewards,
                                                const at::Tensor& group_ids) {
  const at::Tensor centred = group_advantages(rewards, group_ids, AdvantageScale::kNone);  // [n]
  const MomentSums local = moment_sums(centred);
  at::Tensor sums = at::tensor({local.sum, local.sum_sq, local.count}, at::kDouble);  // [3]
  TERSE_RETURN_IF_ERROR(group.all_reduce_sum({sums}));
  const double std =
      batch_std({sums[0].item<double>(), sums[1].item<double>(), sums[2].item<double>()});
  return centred / (std + 1e-6);
}

namespace {

class GroupRelative : public RlAlgorithm {
 public:
  GroupRelative(const TrainingConfig& config, Transformer policy, ProcessGroup& group)
      : config_(config), policy_(std::move(policy)), group_(group) {}

  absl::Status set_advantages(std::vector<RlSample>& samples,
                              const std::vector<double>& rewards) override {
    const SampleFilterConfig& filter = config_.trainer.filter;
    std::vector<bool> counted(samples.size(), true);
    if (filter.gfpo_keep > 0) {
      std::vector<SampleScore> scores;
      for (size_t i = 0; i < samples.size(); ++i) {
        scores.push_back({samples[i].group_id, rewards[i],
                          static_cast<int64_t>(samples[i].completion_ids.size())});
      }
      counted = gfpo_keep(scores, filter.gfpo_keep, filter.gfpo_metric);
    }
    // GFPO: advantages are relative to the retained samples of each group; the others do not
    // train.
    std::vector<double> kept_rewards;
    std::vector<int64_t> groups;
    for (size_t i = 0; i < samples.size(); ++i) {
      if (!counted[i]) continue;
      kept_rewards.push_back(rewards[i]);
      groups.push_back(samples[i].group_id);
    }
    const AdvantageScale scale = config_.trainer.loss.advantage_scale;
    const at::Tensor reward_tensor =
        at::tensor(kept_rewards, at::kDouble).to(at::kFloat);       // [kept]
    const at::Tensor group_tensor = at::tensor(groups, at::kLong);  // [kept]
    at::Tensor advantages;                                          // [kept]
    if (scale == AdvantageScale::kBatchStd) {
      TERSE_ASSIGN_OR_RETURN(advantages, batch_std_advantages(group_, reward_tensor, group_tensor));
    } else if (!kept_rewards.empty()) {
      advantages = group_advantages(reward_tensor, group_tensor, scale);
    }
    int64_t k = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      if (!counted[i]) {
        samples[i].trains = false;
        continue;
      }
      samples[i].advantage = advantages[k++].item<double>();
    }
    return absl::OkStatus();
  }

  LossOutput loss(const RlMicroBatch& batch, const LossNormalizer& norm) override {
    return clipped_policy_loss(policy_, batch, config_, norm, /*values=*/false, nullptr);
  }

 private:
  const TrainingConfig& config_;
  Transformer policy_;
  ProcessGroup& group_;
};

class Ppo : public RlAlgorithm {
 public:
  Ppo(const TrainingConfig& config, Transformer policy, Transformer critic, ProcessGroup& group,
      int64_t pad_id, at::Device device)
      : config_(config),
        policy_(std::move(policy)),
        critic_(std::move(critic)),
        group_(group),
        pad_id_(pad_id),
        device_(device) {}

  absl::Status set_advantages(std::vector<RlSample>& samples,
                              const std::vector<double>& rewards) override {
    const PpoConfig& ppo = config_.trainer.ppo;
    if (samples.empty()) {
      // Whitening is over every rank's samples: take part with none.
      if (!ppo.whiten_advantages) return absl::OkStatus();
      return global_masked_whiten(group_, at::zeros({0}), at::zeros({0})).status();
    }
    TERSE_RETURN_IF_ERROR(set_old_values(samples));
    // The reward arrives at the last token (the terminal reward of an RLHF episode).
    for (size_t i = 0; i < samples.size(); ++i) {
      samples[i].returns.assign(samples[i].completion_ids.size(), 0.0F);
      samples[i].returns.back() = static_cast<float>(rewards[i]);
    }
    const std::vector<const RlSample*> rows = sample_pointers(samples);
    // make_rl_micro_batch pads `returns` (here still the token rewards) and `old_values`.
    RlMicroBatch batch = make_rl_micro_batch(rows, pad_id_, at::kCPU);
    GaeResult result = gae(batch.returns, batch.old_values, completion_mask(rows, batch.mask),
                           ppo.gamma, ppo.lambda);
    at::Tensor advantages = result.advantages;  // [N, T]
    if (ppo.whiten_advantages) {
      TERSE_ASSIGN_OR_RETURN(advantages, global_masked_whiten(group_, advantages, batch.mask));
    }
    const std::vector<std::vector<float>> token_advantages = unpad_rows(advantages, rows);
    const std::vector<std::vector<float>> returns = unpad_rows(result.returns, rows);
    for (size_t i = 0; i < samples.size(); ++i) {
      samples[i].token_advantages = token_advantages[i];
      samples[i].returns = returns[i];
    }
    return absl::OkStatus();
  }

  LossOutput loss(const RlMicroBatch& batch, const LossNormalizer& norm) override {
    at::Tensor values;  // [n, T]
    LossOutput out = clipped_policy_loss(policy_, batch, config_, norm,
                                         /*values=*/!critic_, &values);
    if (critic_) {
      values = policy_forward(critic_, batch, config_.rollout.temperature, true).values;
    }
    const PpoConfig& ppo = config_.trainer.ppo;
    LossOutput critic =
        value_loss(values, batch.old_values, batch.returns, batch.mask, ppo.value_clip, norm);
    out.loss = out.loss + ppo.value_coef * critic.loss;
    out.metrics.insert(critic.metrics.begin(), critic.metrics.end());
    out.metrics["value/loss"] = critic.loss.item<double>();
    return out;
  }

 private:
  // The critic's values before the update, per completion token.
  absl::Status set_old_values(std::vector<RlSample>& samples) {
    torch::NoGradGuard no_grad;
    Transformer& critic = critic_ ? critic_ : policy_;
    return for_each_micro_batch(
        sample_pointers(samples), config_.trainer.micro_batch_tokens, pad_id_, device_,
        [&](const RlMicroBatch& batch, const std::vector<size_t>& indices,
            const std::vector<const RlSample*>& rows) {
          const PolicyOutputs out =
              policy_forward(critic, batch, config_.rollout.temperature, /*values=*/true);
          const std::vector<std::vector<float>> values = unpad_rows(out.values, rows);
          for (size_t k = 0; k < indices.size(); ++k) samples[indices[k]].old_values = values[k];
          return absl::OkStatus();
        });
  }

  // [N, T]: 1 at every completion token, whether or not its sample trains (GAE runs over the
  // whole completion; `mask` only holds the tokens of samples that train).
  static at::Tensor completion_mask(const std::vector<const RlSample*>& rows,
                                    const at::Tensor& mask) {
    at::Tensor lengths = mask.clone();
    auto m = lengths.accessor<float, 2>();
    for (size_t i = 0; i < rows.size(); ++i) {
      for (size_t j = 0; j < rows[i]->completion_ids.size(); ++j) {
        m[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = 1.0F;
      }
    }
    return lengths;
  }

  const TrainingConfig& config_;
  Transformer policy_;
  Transformer critic_;  // null: the policy's value head
  ProcessGroup& group_;
  int64_t pad_id_;
  at::Device device_;
};

}  // namespace

std::unique_ptr<RlAlgorithm> make_rl_algorithm(const TrainingConfig& config, Transformer policy,
                                               Transformer critic, ProcessGroup& group,
                                               int64_t pad_id, at::Device device) {
  if (config.trainer.algorithm == Algorithm::kPpo) {
    return std::make_unique<Ppo>(config, std::move(policy), std::move(critic), group, pad_id,
                                 device);
  }
  return std::make_unique<GroupRelative>(config, std::move(policy), group);
}

}  // namespace terse
