// Supervised fine-tuning (`terse sft`): teacher forcing on [bos] prompt completion [eos] of the
// configured task, token-mean cross-entropy over the completion tokens only, AdamW with the
// trainer's learning-rate schedule and global gradient-norm clipping, a held-out loss on the test
// split every trainer.eval_every steps, and crash-safe checkpoints that resume bit for bit.
//
// A checkpoint (core/checkpoint.h) holds the model as a Hugging Face directory (config.json,
// safetensors, tokenizer files: `terse generate --model` reads it), the AdamW state
// (optimizer.pt) and trainer_state.json (step and the data cursor). The model's random init and
// the data order depend only on run.seed, so a resumed run repeats the uninterrupted one.
//
// Shapes: N sequences, T tokens.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <torch/optim/adamw.h>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "models/transformer.h"
#include "tokenizers/tokenizer.h"
#include "trainer/epoch_sampler.h"
#include "trainer/sft_batch.h"
#include "trainer/train_loop.h"
#include "trainer/training_config.h"
#include "trainer/training_setup.h"
#include "trainer/update_guard.h"

namespace terse {

class SftTrainer : public Trainer {
 public:
  // Sets up the run in `run_dir` (prepared by the caller): tokenizer, model, examples of both
  // splits, optimiser, and with run.resume the latest checkpoint under run_dir/checkpoints.
  // Every rank of `group` (which must outlive the trainer) trains on its share of each batch;
  // rank 0 alone writes.
  static absl::StatusOr<std::unique_ptr<SftTrainer>> create(const TrainingConfig& config,
                                                            const std::filesystem::path& run_dir,
                                                            ProcessGroup& group);

  // Trains from the current step to trainer.steps (trainer/train_loop.h).
  absl::Status run(std::ostream& console);

  // One optimiser step on the next batch (skipped when its loss or gradient is not finite);
  // returns loss, lr, grad_norm (before clipping), tokens, tokens_per_s, the seconds of the step
  // and of its phases (time/...) and train/skipped_updates.
  absl::StatusOr<Metrics> train_step() override;
  // Rank 0: eval/loss (token-mean completion loss over the fixed evaluation examples) and
  // eval/accuracy, eval/length_mean, ... of greedy decoding of the first
  // trainer.sft.eval_generate test problems. Other ranks return none.
  absl::StatusOr<Metrics> evaluate() override;
  // Token-mean completion loss over the fixed evaluation examples (no gradient).
  double evaluate_loss();

  const TrainerState& state() const override { return state_; }
  Transformer& model() { return model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_.tokenizer; }
  // Parameters of the model.
  int64_t parameter_count();

 private:
  SftTrainer(const TrainingConfig& config, std::filesystem::path run_dir, ProcessGroup& group);
  absl::Status set_up();
  absl::Status load_examples();
  absl::Status write_checkpoint_files(const std::filesystem::path& dir) override;
  std::vector<at::Tensor> trained_parameters() override { return model_->parameters(); }
  absl::StatusOr<std::string> start(std::optional<int64_t> resume_step) override;
  std::string step_summary(const Metrics& metrics, bool evaluated) const override;
  std::string progress_detail(const Metrics& metrics) const override;
  // Backward of the token-mean loss of `examples` over micro-batches; returns the loss.
  double accumulate_gradients(const std::vector<const SftExample*>& examples);

  TrainingConfig config_;
  std::filesystem::path run_dir_;
  ProcessGroup& group_;
  at::Device device_ = at::kCPU;
  RunTokenizer tokenizer_;
  Transformer model_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::vector<SftExample> train_;
  std::vector<SftExample> eval_;
  std::vector<Problem> eval_problems_;  // the first trainer.sft.eval_generate test problems
  std::unique_ptr<EpochSampler> sampler_;
  TrainerState state_;
  NonFiniteGuard nonfinite_;
};

}  // namespace terse
