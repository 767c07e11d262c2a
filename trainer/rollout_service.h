// Disaggregated rollout (rollout.workers = K > 0): the last K ranks of a launch only generate,
// the others only train.
//
//   ranks 0 .. T-1      trainers: score, filter and train (gradients all-reduced among them);
//                       rank 0 also writes the run's files and publishes the weights
//   ranks T .. T+K-1    rollout workers: sample completions for their shard of the prompts
//
// A batch of trainer.batch_prompts prompt groups is cut into K contiguous spans (one per worker)
// and into T spans (one per trainer); each worker sends every trainer the groups of their spans'
// overlap with send/recv (rollout/trajectory_transport.h). After each update, rank 0 broadcasts
// the new weights to the workers over a group of rank 0 and the workers, timed as
// time/weight_sync_s.
//
// Staleness. Batch b (the batch of step b) is sampled with the weights of version
// max(start, b - S), S = rollout.max_staleness, where version v is the policy after v updates.
// S = 0 is synchronous: workers wait for each update. S > 0 lets workers sample up to S batches
// ahead while the trainers train; the loss corrects with the behaviour log-probs each sample
// records, and every sample carries the version that produced it (policy/staleness_* metrics).
// The version each batch uses is fixed by S, not by timing, so runs repeat exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/process_group.h"
#include "models/transformer.h"
#include "rollout/trajectory_transport.h"
#include "trainer/training_config.h"

namespace terse {

// A contiguous run of prompt groups of a batch: [first, first + count).
struct GroupSpan {
  int64_t first = 0;
  int64_t count = 0;
};

// The groups both spans hold (count 0 when none).
GroupSpan overlap(GroupSpan a, GroupSpan b);

// Which ranks train and which sample.
struct RankLayout {
  int64_t trainers = 1;
  int64_t workers = 0;

  // The layout of rollout.workers over `world_size` ranks. InvalidArgument, naming the keys,
  // when no rank is left to train, a batch does not split evenly over trainers and workers, or
  // DAPO's refill is on (workers sample fixed batches).
  static absl::StatusOr<RankLayout> create(const TrainingConfig& config, int64_t world_size);

  bool is_worker(int64_t rank) const { return rank >= trainers; }
  GroupSpan worker_span(int64_t worker, int64_t batch_prompts) const;
  GroupSpan trainer_span(int64_t trainer, int64_t batch_prompts) const;
};

// The groups a rank of the layout uses besides the launch's.
struct RolloutGroups {
  std::unique_ptr<ProcessGroup> trainers;  // trainer ranks: null on workers
  std::unique_ptr<ProcessGroup> weights;   // rank 0 and the workers: null on other trainers
};

// Forms the groups (every rank of `world` calls it).
absl::StatusOr<RolloutGroups> join_rollout_groups(ProcessGroup& world, const RankLayout& layout);

// How long a publication took on rank 0.
struct WeightSyncTimes {
  double wait_s = 0;  // until every worker was ready to receive
  double sync_s = 0;  // the broadcast itself
};

// The trainer ranks' side.
class RolloutClient {
 public:
  // `weights` is null on trainers other than rank 0. Both groups must outlive the client.
  RolloutClient(const TrainingConfig& config, const RankLayout& layout, ProcessGroup& world,
                ProcessGroup* weights);

  // Rank 0: sends `model`'s weights as `version`, with the data cursor the workers continue
  // from, to every worker. Other trainers return at once.
  absl::StatusOr<WeightSyncTimes> publish(Transformer& model, int64_t version, int64_t cursor);
  // Whether a worker will sample with `version` (so it must be published).
  bool needed(int64_t version) const;
  // This trainer's share of batch `batch`: one message per worker that sampled part of it,
  // in worker order.
  absl::StatusOr<std::vector<TrajectoryMessage>> receive(int64_t batch);

 private:
  int64_t batch_prompts_, steps_, max_staleness_;
  RankLayout layout_;
  ProcessGroup& world_;
  ProcessGroup* weights_;
};

// A rollout worker rank's whole run: receives the starting weights, then samples every batch
// from the trainers' start to trainer.steps, taking each published weight version when the
// staleness bound needs it, and sends each batch's groups to the trainers that train them. A
// line per batch on `console`.
absl::Status serve_rollouts(const TrainingConfig& config, const RankLayout& layout,
                            ProcessGroup& world, ProcessGroup& weights, std::ostream& console);

}  // namespace terse
