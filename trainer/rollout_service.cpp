#include "trainer/rollout_service.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/elapsed.h"
#include "core/status.h"
#include "rollout/rollout_worker.h"
#include "trainer/rl_setup.h"

namespace terse {
namespace {

using Clock = std::chrono::steady_clock;

// The first tag of batch `batch`'s trajectory messages.
int64_t batch_tag(int64_t batch) { return batch * kTrajectoryTags; }

// What precedes the weights in a publication.
struct WeightHeader {
  int64_t version = 0;
  int64_t cursor = 0;
};

// One publication: a barrier (every worker ready), then rank 0 broadcasts a header and every
// parameter of `model`; the workers receive them. Returns how long each part took.
absl::StatusOr<WeightSyncTimes> exchange_weights(ProcessGroup& weights, Transformer& model,
                                                 WeightHeader* header) {
  WeightSyncTimes times;
  const Clock::time_point start = Clock::now();
  TERSE_RETURN_IF_ERROR(weights.barrier());
  times.wait_s = seconds_since(start);
  const Clock::time_point sync_start = Clock::now();
  const at::NoGradGuard no_grad;
  const at::Tensor fields = at::tensor({header->version, header->cursor}, at::kLong);
  TERSE_RETURN_IF_ERROR(weights.broadcast({fields}, 0));
  header->version = fields[0].item<int64_t>();
  header->cursor = fields[1].item<int64_t>();
  TERSE_RETURN_IF_ERROR(weights.broadcast(model->parameters(), 0));
  times.sync_s = seconds_since(sync_start);
  return times;
}

}  // namespace

GroupSpan overlap(GroupSpan a, GroupSpan b) {
  const int64_t first = std::max(a.first, b.first);
  const int64_t end = std::min(a.first + a.count, b.first + b.count);
  return {first, std::max<int64_t>(0, end - first)};
}

absl::StatusOr<RankLayout> RankLayout::create(const TrainingConfig& config, int64_t world_size) {
  RankLayout layout;
  layout.workers = config.rollout.workers;
  layout.trainers = world_size - layout.workers;
  const int64_t prompts = config.trainer.batch_prompts;
  if (layout.trainers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("`rollout.workers` = ", layout.workers, " leaves no rank to train among ",
                     world_size, " ranks: launch more ranks (e.g. terse launch --nproc ",
                     layout.workers + 1, ") or lower rollout.workers"));
  }
  if (prompts % layout.workers != 0 || prompts % layout.trainers != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`trainer.batch_prompts` = ", prompts, " must split evenly over the ", layout.workers,
        " rollout worker(s) (`rollout.workers`) and the ", layout.trainers, " trainer rank(s)"));
  }
  if (config.trainer.filter.refill) {
    return absl::InvalidArgumentError(
        "`trainer.filter.refill` needs colocated sampling: with `rollout.workers` > 0 set "
        "trainer.filter.refill=false (dynamic sampling then drops groups without refilling)");
  }
  return layout;
}

GroupSpan RankLayout::worker_span(int64_t worker, int64_t batch_prompts) const {
  const int64_t count = batch_prompts / workers;
  return {worker * count, count};
}

GroupSpan RankLayout::trainer_span(int64_t trainer, int64_t batch_prompts) const {
  const int64_t count = batch_prompts / trainers;
  return {trainer * count, count};
}

absl::StatusOr<RolloutGroups> join_rollout_groups(ProcessGroup& world, const RankLayout& layout) {
  RolloutGroups groups;
  std::vector<int64_t> trainers, weights = {0};
  for (int64_t r = 0; r < layout.trainers; ++r) trainers.push_back(r);
  for (int64_t r = layout.trainers; r < world.world_size(); ++r) weights.push_back(r);
  if (!layout.is_worker(world.rank())) {
    TERSE_ASSIGN_OR_RETURN(groups.trainers, world.subgroup(trainers, "trainers"));
  }
  if (world.rank() == 0 || layout.is_worker(world.rank())) {
    TERSE_ASSIGN_OR_RETURN(groups.weights, world.subgroup(weights, "weights"));
  }
  return groups;
}

RolloutClient::RolloutClient(const TrainingConfig& config, const RankLayout& layout,
                             ProcessGroup& world, ProcessGroup* weights)
    : batch_prompts_(config.trainer.batch_prompts),
      steps_(config.trainer.steps),
      max_staleness_(config.rollout.max_staleness),
      layout_(layout),
      world_(world),
      weights_(weights) {}

absl::StatusOr<WeightSyncTimes> RolloutClient::publish(Transformer& model, int64_t version,
                                                       int64_t cursor) {
  if (weights_ == nullptr) return WeightSyncTimes{};
  WeightHeader header{version, cursor};
  return exchange_weights(*weights_, model, &header);
}

bool RolloutClient::needed(int64_t version) const { return version + max_staleness_ < steps_; }

absl::StatusOr<std::vector<TrajectoryMessage>> RolloutClient::receive(int64_t batch) {
  const GroupSpan mine = layout_.trainer_span(world_.rank(), batch_prompts_);
  std::vector<TrajectoryMessage> messages;
  for (int64_t w = 0; w < layout_.workers; ++w) {
    if (overlap(mine, layout_.worker_span(w, batch_prompts_)).count == 0) continue;
    TERSE_ASSIGN_OR_RETURN(TrajectoryMessage message,
                           recv_trajectory(world_, layout_.trainers + w, batch_tag(batch)));
    messages.push_back(std::move(message));
  }
  return messages;
}

namespace {

// A worker rank's replica, its prompts, and the sends still in flight.
class WorkerLoop {
 public:
  WorkerLoop(const TrainingConfig& config, const RankLayout& layout, ProcessGroup& world,
             ProcessGroup& weights, RolloutWorker worker)
      : config_(config),
        layout_(layout),
        world_(world),
        weights_(weights),
        worker_(std::move(worker)),
        index_(world.rank() - layout.trainers) {}

  absl::Status run(std::ostream& console) {
    WeightHeader header;
    TERSE_RETURN_IF_ERROR(exchange_weights(weights_, worker_.model(), &header).status());
    worker_.set_policy_version(header.version);
    worker_.shard().set_cursor(header.cursor);
    console << absl::StrFormat("rollout worker %d: weights version %d, starting at batch %d\n",
                               index_, header.version, header.version)
            << std::flush;
    for (int64_t batch = header.version; batch < config_.trainer.steps; ++batch) {
      TERSE_RETURN_IF_ERROR(take_weights_for(batch, console));
      TERSE_RETURN_IF_ERROR(finish_sends(batch - config_.rollout.max_staleness - 1));
      TERSE_RETURN_IF_ERROR(sample_and_send(batch, console));
    }
    return finish_sends(config_.trainer.steps);
  }

 private:
  // Receives published versions until the replica is recent enough for `batch`.
  absl::Status take_weights_for(int64_t batch, std::ostream& console) {
    while (worker_.policy_version() < batch - config_.rollout.max_staleness) {
      WeightHeader header;
      TERSE_ASSIGN_OR_RETURN(const WeightSyncTimes times,
                             exchange_weights(weights_, worker_.model(), &header));
      if (header.version != worker_.policy_version() + 1) {
        return absl::InternalError(absl::StrCat("rollout worker ", index_, " holds version ",
                                                worker_.policy_version(), " but was sent version ",
                                                header.version));
      }
      worker_.set_policy_version(header.version);
      console << absl::StrFormat(
                     "rollout worker %d: received weights version %d (waited %.3f s, "
                     "transfer %.3f s)\n",
                     index_, header.version, times.wait_s, times.sync_s)
              << std::flush;
    }
    return absl::OkStatus();
  }

  // Waits for the sends of batches up to `last` (received by the trainers by now).
  absl::Status finish_sends(int64_t last) {
    while (!in_flight_.empty() && in_flight_.front().first <= last) {
      for (PendingSend& send : in_flight_.front().second) TERSE_RETURN_IF_ERROR(send.wait());
      in_flight_.pop_front();
    }
    return absl::OkStatus();
  }

  absl::Status sample_and_send(int64_t batch, std::ostream& console) {
    const Clock::time_point start = Clock::now();
    const int64_t prompts = config_.trainer.batch_prompts;
    const GroupSpan mine = layout_.worker_span(index_, prompts);
    const Trajectory sampled = worker_.next_batch(mine.count);
    std::vector<PendingSend> sends;
    for (int64_t t = 0; t < layout_.trainers; ++t) {
      const GroupSpan part = overlap(mine, layout_.trainer_span(t, prompts));
      if (part.count == 0) continue;
      const TrajectoryMessage message = {
          slice_groups(sampled, part.first - mine.first, part.count, config_.rollout.group_size),
          worker_.shard().cursor()};
      TERSE_ASSIGN_OR_RETURN(std::vector<PendingSend> started,
                             send_trajectory(world_, message, t, batch_tag(batch)));
      for (PendingSend& send : started) sends.push_back(std::move(send));
    }
    in_flight_.emplace_back(batch, std::move(sends));
    console << absl::StrFormat(
                   "rollout worker %d: batch %d (%d samples) with weights version %d in %.2f s\n",
                   index_, batch, sampled.size(), worker_.policy_version(), seconds_since(start))
            << std::flush;
    return absl::OkStatus();
  }

  const TrainingConfig& config_;
  RankLayout layout_;
  ProcessGroup& world_;
  ProcessGroup& weights_;
  RolloutWorker worker_;
  int64_t index_;  // this worker among the workers
  std::deque<std::pair<int64_t, std::vector<PendingSend>>> in_flight_;  // by batch
};

}  // namespace

absl::Status serve_rollouts(const TrainingConfig& config, const RankLayout& layout,
                            ProcessGroup& world, ProcessGroup& weights, std::ostream& console) {
  TrainingConfig resolved = config;
  TERSE_ASSIGN_OR_RETURN(RlRuntime runtime, set_up_rl_runtime(&resolved));
  TERSE_ASSIGN_OR_RETURN(const RlProblems problems, load_rl_problems(resolved));
  // The starting weights only shape the replica: the trainers' weights replace them.
  TERSE_ASSIGN_OR_RETURN(
      Transformer model,
      load_starting_model(resolved.model.path, policy_model_config(resolved),
                          static_cast<uint64_t>(resolved.run.seed), runtime.device));
  const int64_t index = world.rank() - layout.trainers;
  TERSE_ASSIGN_OR_RETURN(GenerationConfig generation,
                         rl_generation_config(resolved, runtime.tokenizer, index));
  RolloutWorker worker(model,
                       PromptShard(rl_prompt_specs(*runtime.tokenizer.tokenizer, problems.train),
                                   index, layout.workers),
                       std::move(generation), Detokenizer{});
  WorkerLoop loop(resolved, layout, world, weights, std::move(worker));
  return loop.run(console);
}

}  // namespace terse
