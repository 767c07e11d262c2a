// Where an RL step's samples come from: the rollout stage of the trainer.
//
// Colocated: the policy itself samples this rank's share of each batch of prompts (its replica
// is the trained model, so it always samples with the newest weights). Disaggregated:
// rollout-worker ranks sample and send each trainer its share (trainer/rollout_service.h); the
// trainer publishes new weights when a worker will sample with them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "models/transformer.h"
#include "rollout/prompt_shard.h"
#include "rollout/sampling_engine.h"
#include "rollout/trajectory.h"
#include "trainer/rollout_service.h"
#include "trainer/training_setup.h"

namespace terse {

class RolloutSource {
 public:
  virtual ~RolloutSource() = default;

  // One round of this rank's share of a batch of prompts, sampled for step `step` (the policy
  // version the samples record); sets `cursor` to the data cursor after it.
  virtual absl::StatusOr<std::vector<Trajectory>> sample(int64_t step, int64_t* cursor) = 0;
  // Whether one step may draw several rounds (DAPO's refill).
  virtual bool can_refill() const = 0;
  // After an update: `model` holds the weights of `state.step`. Returns the time it took to pass
  // them on (time/weight_sync_s, time/worker_wait_s), or no metrics when nothing was sent.
  virtual absl::StatusOr<Metrics> policy_updated(Transformer& model, const TrainerState& state) = 0;
};

// The policy `model` samples `prompts` prompts of `shard` per round, from `state`'s cursor.
std::unique_ptr<RolloutSource> make_colocated_rollouts(Transformer model, PromptShard shard,
                                                       GenerationConfig generation, int64_t prompts,
                                                       const TrainerState& state);

// Rollout workers sample through `client` (which must outlive the source); they start from
// `model`'s weights and `state`'s cursor, sent here.
absl::StatusOr<std::unique_ptr<RolloutSource>> make_disaggregated_rollouts(
    RolloutClient& client, Transformer& model, const TrainerState& state);

}  // namespace terse
