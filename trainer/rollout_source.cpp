#include "trainer/rollout_source.h"

#include "core/status.h"
#include "rollout/rollout_worker.h"

namespace terse {
namespace {

class ColocatedRollouts : public RolloutSource {
 public:
  ColocatedRollouts(Transformer model, PromptShard shard, GenerationConfig generation,
                    int64_t prompts, const TrainerState& state)
      : worker_(std::move(model), std::move(shard), std::move(generation), Detokenizer{}),
        prompts_(prompts) {
    worker_.shard().set_cursor(state.cursor);
  }

  absl::StatusOr<std::vector<Trajectory>> sample(int64_t step, int64_t* cursor) override {
    worker_.set_policy_version(step);
    std::vector<Trajectory> sampled;
    sampled.push_back(worker_.next_batch(prompts_));
    *cursor = worker_.shard().cursor();
    return sampled;
  }

  bool can_refill() const override { return true; }

  absl::StatusOr<Metrics> policy_updated(Transformer& /*model*/,
                                         const TrainerState& /*state*/) override {
    return Metrics{};  // the worker's replica is the policy itself
  }

 private:
  RolloutWorker worker_;
  int64_t prompts_;
};

class DisaggregatedRollouts : public RolloutSource {
 public:
  explicit DisaggregatedRollouts(RolloutClient& client) : client_(client) {}

  absl::StatusOr<std::vector<Trajectory>> sample(int64_t step, int64_t* cursor) override {
    TERSE_ASSIGN_OR_RETURN(std::vector<TrajectoryMessage> messages, client_.receive(step));
    std::vector<Trajectory> sampled;
    for (TrajectoryMessage& message : messages) {
      *cursor = message.data_cursor;  // the same on every worker
      sampled.push_back(std::move(message.trajectory));
    }
    return sampled;
  }

  // Workers sample fixed batches (RankLayout::create refuses refill with them).
  bool can_refill() const override { return false; }

  absl::StatusOr<Metrics> policy_updated(Transformer& model, const TrainerState& state) override {
    if (!client_.needed(state.step)) return Metrics{};
    TERSE_ASSIGN_OR_RETURN(const WeightSyncTimes times,
                           client_.publish(model, state.step, state.cursor));
    return Metrics{{"time/weight_sync_s", times.sync_s}, {"time/worker_wait_s", times.wait_s}};
  }

 private:
  RolloutClient& client_;
};

}  // namespace

std::unique_ptr<RolloutSource> make_colocated_rollouts(Transformer model, PromptShard shard,
                                                       GenerationConfig generation, int64_t prompts,
                                                       const TrainerState& state) {
  return std::make_unique<ColocatedRollouts>(std::move(model), std::move(shard),
                                             std::move(generation), prompts, state);
}

absl::StatusOr<std::unique_ptr<RolloutSource>> make_disaggregated_rollouts(
    RolloutClient& client, Transformer& model, const TrainerState& state) {
  TERSE_RETURN_IF_ERROR(client.publish(model, state.step, state.cursor).status());
  return std::make_unique<DisaggregatedRollouts>(client);
}

}  // namespace terse
