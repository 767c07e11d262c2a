#include "trainer/sft_trainer.h"

#include <chrono>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/device.h"
#include "core/elapsed.h"
#include "core/status.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "trainer/data_parallel.h"
#include "trainer/evaluator.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<const SftExample*> pointers(const std::vector<SftExample>& examples,
                                        const std::vector<int64_t>& indices) {
  std::vector<const SftExample*> out;
  out.reserve(indices.size());
  for (const int64_t i : indices) out.push_back(&examples[static_cast<size_t>(i)]);
  return out;
}

}  // namespace

SftTrainer::SftTrainer(const TrainingConfig& config, fs::path run_dir, ProcessGroup& group)
    : config_(config),
      run_dir_(std::move(run_dir)),
      group_(group),
      nonfinite_(config.trainer.max_nonfinite_steps) {}

absl::StatusOr<std::unique_ptr<SftTrainer>> SftTrainer::create(const TrainingConfig& config,
                                                               const fs::path& run_dir,
                                                               ProcessGroup& group) {
  std::unique_ptr<SftTrainer> trainer(new SftTrainer(config, run_dir, group));
  TERSE_RETURN_IF_ERROR(trainer->set_up());
  return trainer;
}

absl::Status SftTrainer::set_up() {
  TERSE_ASSIGN_OR_RETURN(device_, select_device(config_.runtime.device, 0, gpu_availability()));
  TERSE_ASSIGN_OR_RETURN(tokenizer_, set_up_tokenizer(&config_.model));
  TERSE_RETURN_IF_ERROR(load_examples());
  const std::optional<fs::path> checkpoint =
      config_.run.resume ? find_latest_checkpoint(run_dir_ / kCheckpointsDir) : std::nullopt;
  if (checkpoint) {
    TERSE_ASSIGN_OR_RETURN(state_, read_trainer_state(*checkpoint / kTrainerStateFile));
    TERSE_ASSIGN_OR_RETURN(model_, load_hf_model(checkpoint->string(), config_.model, device_));
  } else {
    TERSE_ASSIGN_OR_RETURN(
        model_, make_model(config_.model, static_cast<uint64_t>(config_.run.seed), device_));
  }
  optimizer_ = make_adamw(model_->parameters(), config_.trainer);
  if (checkpoint) {
    TERSE_RETURN_IF_ERROR(load_optimizer(*optimizer_, *checkpoint / kOptimizerFile, device_));
  }
  sampler_ = std::make_unique<EpochSampler>(static_cast<int64_t>(train_.size()),
                                            static_cast<uint64_t>(config_.run.seed), state_.cursor);
  return absl::OkStatus();
}

absl::Status SftTrainer::load_examples() {
  const SftConfig& sft = config_.trainer.sft;
  const int64_t max_len = config_.model.max_seq_len;
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> train, load_split(config_.data, Split::kTrain));
  if (train.empty()) {
    return absl::FailedPreconditionError(
        "the train split is empty: set data.train_size (or data.jsonl.train_path)");
  }
  const auto seed = static_cast<uint64_t>(config_.run.seed);
  const std::vector<std::string> train_completions =
      sft_completions(sft.target, config_.reward, seed, 0, &train);
  TERSE_ASSIGN_OR_RETURN(
      train_, make_sft_examples(*tokenizer_.tokenizer, train, train_completions, max_len));
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> test, load_split(config_.data, Split::kTest));
  // Held-out prompts ask too (keys after the train split's), as in RL.
  std::vector<std::string> test_completions =
      sft_completions(sft.target, config_.reward, seed, train.size(), &test);
  eval_problems_.assign(test.begin(),
                        test.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(
                                           test.size(), static_cast<size_t>(sft.eval_generate))));
  const auto wanted = static_cast<size_t>(sft.eval_batches * sft.batch_size);
  if (test.size() > wanted) {
    test.resize(wanted);
    test_completions.resize(wanted);
  }
  TERSE_ASSIGN_OR_RETURN(eval_,
                         make_sft_examples(*tokenizer_.tokenizer, test, test_completions, max_len));
  return absl::OkStatus();
}

double SftTrainer::accumulate_gradients(const std::vector<const SftExample*>& examples) {
  // Every rank sees the whole batch, counts its loss tokens, and trains on its share: examples
  // rank, rank + world, ... The summed gradients are those of the whole batch.
  int64_t loss_tokens = 0;
  std::vector<const SftExample*> share;
  for (size_t i = 0; i < examples.size(); ++i) {
    loss_tokens += sft_loss_tokens(*examples[i]);
    if (static_cast<int64_t>(i) % group_.world_size() == group_.rank()) {
      share.push_back(examples[i]);
    }
  }
  double loss = 0;
  if (share.empty()) return loss;
  for (const auto& part : split_micro_batches(share, config_.trainer.micro_batch_tokens)) {
    const SftBatch batch = make_sft_batch(part, tokenizer_.pad_id, device_);
    const at::Tensor micro_loss = sft_loss_sum(model_, batch) / static_cast<double>(loss_tokens);
    micro_loss.backward();
    loss += micro_loss.item<double>();
  }
  return loss;
}

absl::StatusOr<Metrics> SftTrainer::train_step() {
  const Clock::time_point start = Clock::now();
  // 1. Batch: the next examples in the epoch order.
  const double lr = apply_lr_schedule(*optimizer_, config_.trainer, state_.step);
  const std::vector<const SftExample*> examples =
      pointers(train_, sampler_->next(config_.trainer.sft.batch_size));
  int64_t tokens = 0;
  for (const SftExample* e : examples) tokens += static_cast<int64_t>(e->ids.size()) - 1;
  // 2. Forward and backward over the micro-batches.
  const Clock::time_point backward_start = Clock::now();
  optimizer_->zero_grad();
  const double local_loss = accumulate_gradients(examples);
  TERSE_RETURN_IF_ERROR(all_reduce_gradients(group_, model_->parameters()));
  TERSE_ASSIGN_OR_RETURN(const Metrics summed,
                         reduce_metrics(group_, {{"loss", local_loss}}, MetricWeights{}));
  const double loss = summed.at("loss");
  const double backward_seconds = seconds_since(backward_start);
  // 3. Update: clip, then AdamW; an update with a NaN or infinite loss or gradient is skipped.
  const Clock::time_point update_start = Clock::now();
  TERSE_ASSIGN_OR_RETURN(const double grad_norm, apply_update(*optimizer_, model_->parameters(),
                                                              config_.trainer.max_grad_norm, loss,
                                                              state_.step + 1, nonfinite_));
  const double update_seconds = seconds_since(update_start);
  ++state_.step;
  state_.cursor = sampler_->cursor();
  const double seconds = seconds_since(start);
  return Metrics{{"loss", loss},
                 {"lr", lr},
                 {"grad_norm", grad_norm},
                 {"tokens", static_cast<double>(tokens)},
                 {"tokens_per_s", static_cast<double>(tokens) / seconds},
                 {"time/train_s", seconds},
                 {"time/forward_backward_s", backward_seconds},
                 {"time/update_s", update_seconds},
                 {"train/skipped_updates", static_cast<double>(nonfinite_.skipped())}};
}

double SftTrainer::evaluate_loss() {
  torch::NoGradGuard no_grad;
  double loss_sum = 0;
  int64_t loss_tokens = 0;
  const auto batch_size = static_cast<size_t>(config_.trainer.sft.batch_size);
  for (size_t start = 0; start < eval_.size(); start += batch_size) {
    std::vector<const SftExample*> batch;
    for (size_t i = start; i < std::min(eval_.size(), start + batch_size); ++i) {
      batch.push_back(&eval_[i]);
      loss_tokens += sft_loss_tokens(eval_[i]);
    }
    for (const auto& part : split_micro_batches(batch, config_.trainer.micro_batch_tokens)) {
      loss_sum +=
          sft_loss_sum(model_, make_sft_batch(part, tokenizer_.pad_id, device_)).item<double>();
    }
  }
  return loss_tokens > 0 ? loss_sum / static_cast<double>(loss_tokens) : 0.0;
}

absl::Status SftTrainer::write_checkpoint_files(const fs::path& dir) {
  ExportOptions options;
  options.source_dir = config_.model.path;
  TERSE_RETURN_IF_ERROR(export_hf_model(model_, dir.string(), options));
  if (tokenizer_.save) TERSE_RETURN_IF_ERROR(tokenizer_.save(dir));
  TERSE_RETURN_IF_ERROR(save_optimizer(*optimizer_, dir / kOptimizerFile));
  return write_trainer_state(dir / kTrainerStateFile, state_);
}

absl::Status SftTrainer::run(std::ostream& console) {
  return run_train_loop(*this, LoopConfig::of("sft", config_.trainer, config_.run.resume), run_dir_,
                        group_, console);
}

absl::StatusOr<std::string> SftTrainer::start(std::optional<int64_t> /*resume_step*/) {
  return absl::StrFormat("sft: %d train / %d eval sequences, %d parameters, from step %d of %d",
                         train_.size(), eval_.size(), parameter_count(), state_.step,
                         config_.trainer.steps);
}

std::string SftTrainer::step_summary(const Metrics& metrics, bool /*evaluated*/) const {
  const auto get = [&](const char* key) { return metrics.at(key); };
  std::string line = absl::StrFormat("loss %.4f  lr %.3g  grad_norm %.3f  %.0f tok/s", get("loss"),
                                     get("lr"), get("grad_norm"), get("tokens_per_s"));
  if (metrics.count("eval/loss") > 0) {
    absl::StrAppendFormat(&line, "  eval/loss %.4f", get("eval/loss"));
  }
  if (metrics.count("eval/accuracy") > 0) {
    absl::StrAppendFormat(&line, "  eval acc %.3f len %.1f", get("eval/accuracy"),
                          get("eval/length_mean"));
  }
  return line;
}

std::string SftTrainer::progress_detail(const Metrics& metrics) const {
  return absl::StrFormat("loss %.3f", metrics.at("loss"));
}

absl::StatusOr<Metrics> SftTrainer::evaluate() {
  if (!group_.is_main() || eval_.empty()) return Metrics{};
  Metrics metrics{{"eval/loss", evaluate_loss()}};
  if (eval_problems_.empty()) return metrics;
  EvalSpec spec;
  spec.sampling.greedy = true;
  spec.max_new_tokens = config_.data.max_completion_tokens;
  spec.seed = static_cast<uint64_t>(config_.run.seed);
  const Metrics generated =
      terse::evaluate(model_, *tokenizer_.tokenizer, eval_problems_, spec).metrics();
  metrics.insert(generated.begin(), generated.end());
  return metrics;
}

int64_t SftTrainer::parameter_count() {
  int64_t count = 0;
  for (const at::Tensor& p : model_->parameters()) count += p.numel();
  return count;
}

}  // namespace terse
