// `terse train`: the RL trainer of the GRPO family and PPO, in stages, each its own file:
//
//   rollout    trainer/rollout_source.h     this rank's share of trainer.batch_prompts prompts,
//                                           rollout.group_size completions each, sampled by the
//                                           policy (colocated) or by rollout workers
//                                           (disaggregated);
//   scoring    trainer/rollout_collector.h  graded, scored (accuracy, format, length penalty) and
//                                           filtered (DAPO dynamic sampling, truncation masking);
//   advantage  trainer/rl_algorithm.h       group-relative (GRPO family, GFPO) or GAE over a
//                                           critic (PPO): the algorithm is a strategy;
//   update     trainer/rl_update.h          trainer.epochs x trainer.minibatches optimiser
//                                           steps of the clipped loss, micro-batched by token
//                                           budget, gradients summed over ranks.
//
// The run itself (logging, evaluation and checkpoint cadence, resume) is trainer/train_loop.h.
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
#include "trainer/rl_algorithm.h"
#include "trainer/rl_update.h"
#include "trainer/rollout_collector.h"
#include "trainer/rollout_service.h"
#include "trainer/rollout_source.h"
#include "trainer/samples_log.h"
#include "trainer/train_loop.h"
#include "trainer/training_config.h"
#include "trainer/training_setup.h"
#include "trainer/update_guard.h"

namespace terse {

inline constexpr char kCriticDir[] = "critic";

class RlTrainer : public Trainer {
 public:
  // Sets up the run in `run_dir` (prepared by the caller; only rank 0 writes to it): tokenizer,
  // policy (model.path: a model directory, checkpoint or run directory; empty: a fresh model of
  // the task tokenizer), reference and critic when the config needs them, prompts, optimiser, and
  // with run.resume the latest checkpoint. `group` (world size 1 or more) holds the ranks that
  // train. With `rollouts` (disaggregated mode) the samples come from rollout workers, which
  // get the starting weights here; else each rank samples its share. Both must outlive it.
  static absl::StatusOr<std::unique_ptr<RlTrainer>> create(const TrainingConfig& config,
                                                           const std::filesystem::path& run_dir,
                                                           ProcessGroup& group,
                                                           RolloutClient* rollouts = nullptr);

  // Trains from the current step to trainer.steps (trainer/train_loop.h).
  absl::Status run(std::ostream& console);

  // One RL step (rollout, scoring, advantages, update); returns its metrics.
  absl::StatusOr<Metrics> train_step() override;
  // Rank 0: samples and grades the held-out problems, appends the first trainer.log_samples to
  // samples.jsonl and returns eval/...; other ranks return none.
  absl::StatusOr<Metrics> evaluate() override;

  const TrainerState& state() const override { return state_; }
  Transformer& model() { return model_; }

 private:
  RlTrainer(const TrainingConfig& config, std::filesystem::path run_dir, ProcessGroup& group);
  absl::Status set_up(RolloutClient* rollouts);
  absl::Status load_models(const std::optional<std::filesystem::path>& checkpoint);
  absl::Status load_prompts();
  absl::Status set_up_stages(RolloutClient* rollouts);
  // policy/entropy and policy/staleness of the samples that trained at step state_.step.
  absl::StatusOr<Metrics> policy_metrics(const std::vector<RlSample>& samples);
  // Keeps the batch accuracy of the step in state_ for the lazy switch (its last lazy_window).
  void remember_accuracy(double accuracy);
  absl::Status write_checkpoint_files(const std::filesystem::path& dir) override;
  std::vector<at::Tensor> trained_parameters() override;
  absl::StatusOr<std::string> start(std::optional<int64_t> resume_step) override;
  std::string step_summary(const Metrics& metrics, bool evaluated) const override;
  std::string progress_detail(const Metrics& metrics) const override;

  TrainingConfig config_;
  std::filesystem::path run_dir_;
  ProcessGroup& group_;
  at::Device device_ = at::kCPU;
  RunTokenizer tokenizer_;
  std::string initial_model_;  // the resolved model.path the run started from
  Transformer model_{nullptr};
  Transformer reference_{nullptr};  // frozen starting policy, when the loss has a KL term
  Transformer critic_{nullptr};     // PPO with trainer.ppo.separate_critic
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::vector<Problem> train_;
  std::vector<Problem> test_;
  std::vector<int64_t> length_targets_;  // [train problems] with l1_* kinds, else empty
  TrainerState state_;
  NonFiniteGuard nonfinite_;
  // The stages of a step, in order.
  std::unique_ptr<RolloutSource> source_;
  std::unique_ptr<RolloutCollector> collector_;
  std::unique_ptr<RlAlgorithm> algorithm_;
  std::unique_ptr<RlUpdate> update_;
};

}  // namespace terse
