// `terse train`: the RL run loop of the GRPO family and PPO. Each step
//
//   rollout   every rank samples rollout.group_size completions for its share of
//             trainer.batch_prompts prompts (the policy itself samples: colocated mode), or
//             receives them from rollout-worker ranks (disaggregated: trainer/rollout_service.h);
//   reward    each completion is graded by its problem's verifier and scored by the reward
//             composer (accuracy, format and the length penalty);
//   filter    DAPO dynamic sampling (with refill), GFPO, masking of truncated samples;
//   advantage group-relative (GRPO) or GAE over a value head or a separate critic (PPO);
//   update    trainer.epochs passes over the batch in trainer.minibatches optimiser steps, each
//             the clipped loss against the behaviour log-probs, micro-batched by token budget,
//             gradients summed over ranks, then clipped and applied by AdamW.
//
// Rank 0 writes metrics.jsonl, TensorBoard events, samples.jsonl and checkpoints; every rank
// resumes from the latest checkpoint. Sampling seeds follow the data cursor and minibatch order
// follows the step, so a run resumed from a checkpoint repeats the uninterrupted one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <torch/optim/adamw.h>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "data/problem.h"
#include "models/transformer.h"
#include "reward/reward_composer.h"
#include "rollout/rollout_worker.h"
#include "trainer/evaluator.h"
#include "trainer/experiment_config.h"
#include "trainer/rl_batch.h"
#include "trainer/rollout_service.h"
#include "trainer/spike_detector.h"
#include "trainer/training_setup.h"
#include "trainer/update_guard.h"

namespace terse {

inline constexpr char kSamplesFile[] = "samples.jsonl";
inline constexpr char kCriticDir[] = "critic";

// What one step sampled, after grading, scoring and filtering.
struct Rollout {
  std::vector<RlSample> samples;  // the samples that train (filters applied)
  Metrics metrics;                // reward/..., length/..., samples/... over every sample drawn
  int64_t cursor = 0;             // the data cursor after the batch
};

class RlTrainer {
 public:
  // What each sample contributes to the step's reward and length metrics.
  struct SampleStats;

  // Sets up the run in `run_dir` (prepared by the caller; only rank 0 writes to it): tokenizer,
  // policy (model.path: a model directory, checkpoint or run directory; empty: a fresh model of
  // the task tokenizer), reference and critic when the config needs them, prompts, optimiser, and
  // with run.resume the latest checkpoint. `group` (world size 1 or more) holds the ranks that
  // train. With `rollouts` (disaggregated mode) the samples come from rollout workers, which
  // get the starting weights here; else each rank samples its share. Both must outlive it.
  static absl::StatusOr<std::unique_ptr<RlTrainer>> create(const ExperimentConfig& config,
                                                           const std::filesystem::path& run_dir,
                                                           ProcessGroup& group,
                                                           RolloutClient* rollouts = nullptr);

  // Trains from the current step to trainer.steps: metrics every step, evaluation every
  // trainer.eval_every steps, a checkpoint every trainer.save_every steps and at the end.
  absl::Status run(std::ostream& console);

  // One RL step (rollout, reward, advantages, update); returns its metrics.
  absl::StatusOr<Metrics> train_step();
  // Samples and grades the held-out problems (rank 0's view; other ranks return empty).
  absl::StatusOr<EvalResult> evaluate();
  // Checks that every rank holds the same weights, writes a checkpoint of the current step
  // (rank 0), then waits for every rank.
  absl::Status save();

  const TrainerState& state() const { return state_; }
  Transformer& model() { return model_; }

 private:
  RlTrainer(const ExperimentConfig& config, std::filesystem::path run_dir, ProcessGroup& group,
            RolloutClient* rollouts);
  absl::Status set_up();
  absl::Status load_models(const std::optional<std::filesystem::path>& checkpoint);
  absl::Status load_prompts();
  // Samples, grades and scores one batch of prompts; applies the sample filters.
  absl::StatusOr<Rollout> collect_rollout();
  // One round of sampling: this rank's share of a batch, and the data cursor after it.
  absl::StatusOr<std::vector<Trajectory>> sample_round(int64_t* cursor);
  // Disaggregated: sends the updated weights to the workers when they will use them.
  absl::StatusOr<Metrics> publish_weights();
  // Grades and scores `batch`: its samples, their total rewards and their stats.
  std::vector<RlSample> score(const Trajectory& batch, std::vector<double>* totals,
                              std::vector<SampleStats>* stats);
  // Reference log-probs, old values and advantages of the batch's samples.
  void prepare(std::vector<RlSample>& samples);
  void set_group_advantages(std::vector<RlSample>& samples, const std::vector<double>& totals);
  absl::Status set_gae_advantages(std::vector<RlSample>& samples,
                                  const std::vector<double>& totals);
  // The optimiser steps of one rollout batch.
  absl::StatusOr<Metrics> update(const std::vector<RlSample>& samples);
  absl::StatusOr<Metrics> minibatch_step(const std::vector<const RlSample*>& samples);
  absl::Status write_checkpoint_files(const std::filesystem::path& dir);
  absl::Status write_samples(const EvalResult& result);
  // Adds train/loss_z and train/grad_norm_z; a line on `console` when either is a spike.
  void detect_spikes(Metrics& metrics, std::ostream& console);
  std::vector<at::Tensor> trained_parameters();

  ExperimentConfig config_;
  std::filesystem::path run_dir_;
  ProcessGroup& group_;
  RolloutClient* rollouts_;  // disaggregated mode; null when colocated
  at::Device device_ = at::kCPU;
  RunTokenizer tokenizer_;
  std::string initial_model_;  // the resolved model.path the run started from
  Transformer model_{nullptr};
  Transformer reference_{nullptr};  // frozen starting policy, when the loss has a KL term
  Transformer critic_{nullptr};     // PPO with trainer.ppo.separate_critic
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<RolloutWorker> worker_;  // colocated mode
  std::optional<RewardComposer> composer_;
  std::vector<Problem> train_;
  std::vector<Problem> test_;
  std::vector<int64_t> length_targets_;  // [train problems] with l1_* kinds, else empty
  TrainerState state_;
  SpikeDetector loss_spikes_;
  SpikeDetector grad_norm_spikes_;
  NonFiniteGuard nonfinite_;
};

}  // namespace terse
