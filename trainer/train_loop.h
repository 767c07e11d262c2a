// The run loop that SFT and RL share. A trainer supplies its step, its evaluation and its
// checkpoint files; the loop owns the rest of a run:
//
//   log        metrics.jsonl (cut back to the checkpoint on resume) and TensorBoard events,
//              a line per step on the console and a progress bar on stderr (rank 0);
//   watch      the CPU time and page faults of each step (time/cpu_*), and loss and
//              gradient-norm spikes against the last steps (train/loss_z, train/grad_norm_z);
//   evaluate   every trainer.eval_every steps and at the final step;
//   save       every trainer.save_every steps and at the final step, after checking that every
//              rank holds the same finite weights.
//
// Every rank runs the loop; only rank 0 writes. Skipping non-finite updates belongs to the
// trainers' steps (trainer/update_guard.h), since it acts between the gradient and the update.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "trainer/trainer_config.h"
#include "trainer/training_setup.h"

namespace terse {

// What the loop drives.
class Trainer {
 public:
  virtual ~Trainer() = default;

  // One training step; advances state().step. Returns the step's metrics.
  virtual absl::StatusOr<Metrics> train_step() = 0;
  // Held-out metrics (eval/...), called on every rank; ranks other than 0 may return none.
  virtual absl::StatusOr<Metrics> evaluate() = 0;
  // Writes the checkpoint of the current step into `dir` (rank 0).
  virtual absl::Status write_checkpoint_files(const std::filesystem::path& dir) = 0;
  // The weights the optimiser updates (every replica must hold the same).
  virtual std::vector<at::Tensor> trained_parameters() = 0;
  virtual const TrainerState& state() const = 0;

  // Rank 0, before the first step: opens the trainer's own outputs (`resume_step` set when the
  // run resumes from that step's checkpoint) and returns the run's first console line.
  virtual absl::StatusOr<std::string> start(std::optional<int64_t> resume_step) = 0;
  // The console line of a logged step, after "step N/M"; and the progress bar's detail.
  virtual std::string step_summary(const Metrics& metrics, bool evaluated) const = 0;
  virtual std::string progress_detail(const Metrics& metrics) const = 0;
};

// The cadence of a run: trainer.* keys and whether it resumes.
struct LoopConfig {
  std::string label;  // "sft", "train": the progress bar's label
  int64_t steps = 0;
  int64_t eval_every = 0;
  int64_t save_every = 0;
  int64_t keep_checkpoints = 0;
  bool resume = false;

  static LoopConfig of(std::string label, const TrainerConfig& trainer, bool resume);
};

// Trains from trainer.state().step to config.steps in `run_dir` (prepared by the caller).
absl::Status run_train_loop(Trainer& trainer, const LoopConfig& config,
                            const std::filesystem::path& run_dir, ProcessGroup& group,
                            std::ostream& console);

// Checks that every rank holds the same finite weights, writes a checkpoint of the current step
// under run_dir/checkpoints (rank 0, keeping the newest `keep`), then waits for every rank.
absl::Status save_trainer_checkpoint(Trainer& trainer, const std::filesystem::path& run_dir,
                                     ProcessGroup& group, int64_t keep);

}  // namespace terse
