// The scoring stage of an RL step: a batch of prompts sampled (trainer/rollout_source.h), each
// completion graded by its problem's verifier and scored by the reward composer (accuracy,
// format and the length penalty), then filtered: DAPO's dynamic sampling (with refill) drops
// groups whose rewards are all equal, and trainer.filter.mask_truncated keeps truncated samples
// out of the loss. The reward and length metrics cover every sample drawn, on every rank.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "data/problem.h"
#include "reward/reward_composer.h"
#include "tokenizers/tokenizer.h"
#include "trainer/rl_batch.h"
#include "trainer/rollout_source.h"
#include "trainer/training_config.h"

namespace terse {

// DAPO's refill samples at most this many batches of prompts per step.
inline constexpr int64_t kMaxRefillRounds = 4;

// What one step sampled, after grading, scoring and filtering.
struct Rollout {
  std::vector<RlSample> samples;  // the samples that train (filters applied)
  std::vector<double> rewards;    // [samples] each sample's total reward
  Metrics metrics;                // reward/..., length/..., samples/... over every sample drawn
  int64_t cursor = 0;             // the data cursor after the batch
};

// What each sample drawn contributes to the step's reward and length metrics.
struct SampleStats {
  double tokens = 0, correct = 0, total = 0, length_term = 0, format = 0, truncated = 0;
  double level = 0;  // the problem's difficulty level (0: unknown)
};

class RolloutCollector {
 public:
  // `problems` are the train split, `length_targets` each problem's prompted length (L1's
  // kinds; empty otherwise). All references must outlive the collector.
  RolloutCollector(const TrainingConfig& config, ProcessGroup& group, RolloutSource& source,
                   const Tokenizer& tokenizer, const std::vector<Problem>& problems,
                   const std::vector<int64_t>& length_targets, RewardComposer composer);

  // This rank's share of trainer.batch_prompts prompts for step `step`, scored and filtered;
  // `recent_accuracy` (the batch accuracies of the steps before, oldest first) drives the lazy
  // switch of the length term.
  absl::StatusOr<Rollout> collect(int64_t step, const std::vector<double>& recent_accuracy = {});

 private:
  // Grades and scores `batch`: its samples, with their total rewards and stats appended.
  std::vector<RlSample> score(const Trajectory& batch, int64_t step, bool length_on,
                              std::vector<double>* totals, std::vector<SampleStats>* stats) const;

  const TrainingConfig& config_;
  ProcessGroup& group_;
  RolloutSource& source_;
  const Tokenizer& tokenizer_;
  const std::vector<Problem>& problems_;
  const std::vector<int64_t>& length_targets_;
  RewardComposer composer_;
};

}  // namespace terse
