#include "trainer/rl_update.h"

#include <algorithm>
#include <random>
#include <torch/utils.h>

#include "core/status.h"
#include "trainer/data_parallel.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

// Loss values are shares of the whole minibatch's loss: they add up over micro-batches and
// ranks; the other metrics are token-weighted means (trainer/metric_registry.h).
bool is_additive(const std::string& key) {
  const MetricInfo* info = find_metric(key);
  return info != nullptr && info->reduce == Reduce::kSum;
}

}  // namespace

RlUpdate::RlUpdate(const TrainingConfig& config, ProcessGroup& group, RlAlgorithm& algorithm,
                   torch::optim::AdamW& optimizer, std::vector<at::Tensor> parameters,
                   int64_t pad_id, at::Device device, NonFiniteGuard& guard)
    : config_(config),
      group_(group),
      algorithm_(algorithm),
      optimizer_(optimizer),
      parameters_(std::move(parameters)),
      pad_id_(pad_id),
      device_(device),
      guard_(guard) {}

absl::StatusOr<Metrics> RlUpdate::minibatch_step(const std::vector<const RlSample*>& samples,
                                                 int64_t step) {
  const TrainerConfig& t = config_.trainer;
  const double norm_tokens = static_cast<double>(
      t.loss.norm_tokens > 0 ? t.loss.norm_tokens : config_.rollout.max_new_tokens);
  LossNormalizer local{0, 0, norm_tokens};
  for (const RlSample* s : samples) {
    if (!s->trains) continue;
    local.tokens += static_cast<double>(s->completion_ids.size());
    local.sequences += 1;
  }
  TERSE_ASSIGN_OR_RETURN(const LossNormalizer norm, global_normalizer(group_, local));
  optimizer_.zero_grad();
  if (norm.tokens == 0) return Metrics{};  // nothing trains on any rank: no update at all
  Metrics sums;
  double weight = 0;
  TERSE_RETURN_IF_ERROR(
      for_each_micro_batch(samples, t.micro_batch_tokens, pad_id_, device_,
                           [&](const RlMicroBatch& batch, const std::vector<size_t>& /*indices*/,
                               const std::vector<const RlSample*>& /*rows*/) {
                             LossOutput loss = algorithm_.loss(batch, norm);
                             loss.loss.backward();
                             const double tokens = batch.mask.sum().item<double>();
                             loss.metrics["loss"] = loss.loss.item<double>();
                             for (const auto& [key, value] : loss.metrics) {
                               sums[key] += is_additive(key) ? value : value * tokens;
                             }
                             weight += tokens;
                             return absl::OkStatus();
                           }));
  TERSE_RETURN_IF_ERROR(all_reduce_gradients(group_, parameters_));
  TERSE_ASSIGN_OR_RETURN(Metrics metrics, reduce_metrics(group_, sums, {weight, 0}));
  TERSE_ASSIGN_OR_RETURN(
      metrics["grad_norm"],
      apply_update(optimizer_, parameters_, t.max_grad_norm, metrics["loss"], step + 1, guard_));
  return metrics;
}

absl::StatusOr<Metrics> RlUpdate::run(const std::vector<RlSample>& samples, int64_t step) {
  const TrainerConfig& t = config_.trainer;
  std::vector<const RlSample*> order;
  for (const RlSample& s : samples) {
    if (s.trains) order.push_back(&s);
  }
  Metrics sums;
  int64_t steps = 0;
  for (int64_t epoch = 0; epoch < t.epochs; ++epoch) {
    // Each epoch its own order, fixed by the seed, the step and the epoch.
    std::mt19937_64 rng(static_cast<uint64_t>(config_.run.seed) * 1000003ULL +
                        static_cast<uint64_t>(step) * 101ULL + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), rng);
    for (int64_t m = 0; m < t.minibatches; ++m) {
      const size_t begin =
          order.size() * static_cast<size_t>(m) / static_cast<size_t>(t.minibatches);
      const size_t end =
          order.size() * static_cast<size_t>(m + 1) / static_cast<size_t>(t.minibatches);
      TERSE_ASSIGN_OR_RETURN(
          const Metrics metrics,
          minibatch_step(std::vector<const RlSample*>(order.begin() + begin, order.begin() + end),
                         step));
      for (const auto& [key, value] : metrics) sums[key] += value;
      ++steps;
    }
  }
  for (auto& [key, value] : sums) value /= static_cast<double>(std::max<int64_t>(steps, 1));
  return sums;
}

absl::Status set_reference_logprobs(Transformer& reference, std::vector<RlSample>& samples,
                                    const TrainingConfig& config, int64_t pad_id,
                                    at::Device device) {
  torch::NoGradGuard no_grad;
  return for_each_micro_batch(
      sample_pointers(samples), config.trainer.micro_batch_tokens, pad_id, device,
      [&](const RlMicroBatch& batch, const std::vector<size_t>& indices,
          const std::vector<const RlSample*>& rows) {
        const PolicyOutputs out =
            policy_forward(reference, batch, config.rollout.temperature, /*values=*/false);
        const std::vector<std::vector<float>> logprobs = unpad_rows(out.logprobs, rows);
        for (size_t k = 0; k < indices.size(); ++k) samples[indices[k]].ref_logprobs = logprobs[k];
        return absl::OkStatus();
      });
}

}  // namespace terse
