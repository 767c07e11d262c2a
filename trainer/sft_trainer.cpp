#include "trainer/sft_trainer.h"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/status.h"
#include "data/dataset.h"
#include "data/task_tokenizer.h"
#include "models/hf_checkpoint.h"
#include "models/tokenizer_loader.h"
#include "trainer/grad_clip.h"
#include "trainer/lr_schedule.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

absl::StatusOr<at::Device> resolve_device(Device device) {
  const bool cuda = torch::cuda::is_available();
  if (device == Device::kCuda && !cuda) {
    return absl::FailedPreconditionError(
        "runtime.device is cuda, but LibTorch sees no GPU: set runtime.device=cpu or auto");
  }
  return device != Device::kCpu && cuda ? at::Device(at::kCUDA) : at::Device(at::kCPU);
}

std::vector<const SftExample*> pointers(const std::vector<SftExample>& examples,
                                        const std::vector<int64_t>& indices) {
  std::vector<const SftExample*> out;
  out.reserve(indices.size());
  for (const int64_t i : indices) out.push_back(&examples[static_cast<size_t>(i)]);
  return out;
}

absl::StatusOr<SftState> read_state(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open `", path.string(), "`"));
  const nlohmann::json state = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state.contains("step") || !state["step"].is_number_integer() ||
      !state.contains("cursor") || !state["cursor"].is_number_integer()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(),
                     ": expected {\"step\": int, \"cursor\": int}; the checkpoint "
                     "is not an SFT checkpoint of this version"));
  }
  return SftState{state["step"].get<int64_t>(), state["cursor"].get<int64_t>()};
}

}  // namespace

SftTrainer::SftTrainer(const ExperimentConfig& config, fs::path run_dir)
    : config_(config), run_dir_(std::move(run_dir)) {}

absl::StatusOr<std::unique_ptr<SftTrainer>> SftTrainer::create(const ExperimentConfig& config,
                                                               const fs::path& run_dir) {
  std::unique_ptr<SftTrainer> trainer(new SftTrainer(config, run_dir));
  TERSE_RETURN_IF_ERROR(trainer->set_up());
  return trainer;
}

absl::Status SftTrainer::set_up() {
  TERSE_ASSIGN_OR_RETURN(device_, resolve_device(config_.runtime.device));
  ModelConfig& model_config = config_.model;
  if (model_config.path.empty()) {
    std::shared_ptr<CharTokenizer> chars = make_task_tokenizer();
    save_tokenizer_ = [chars](const fs::path& dir) { return chars->save(dir.string()); };
    tokenizer_ = chars;
    if (model_config.vocab_size == 0) model_config.vocab_size = tokenizer_->vocab_size();
    if (model_config.bos_token_id < 0) model_config.bos_token_id = *tokenizer_->special_ids().bos;
    if (model_config.eos_token_ids.empty()) {
      model_config.eos_token_ids = {*tokenizer_->special_ids().eos};
    }
  } else {
    TERSE_ASSIGN_OR_RETURN(tokenizer_, load_tokenizer(model_config.path));
  }
  pad_id_ = tokenizer_->special_ids().pad.value_or(tokenizer_->special_ids().eos.value_or(0));
  TERSE_RETURN_IF_ERROR(load_examples());

  const std::optional<fs::path> checkpoint =
      config_.run.resume ? find_latest_checkpoint(run_dir_ / kCheckpointsDir) : std::nullopt;
  if (checkpoint) {
    TERSE_ASSIGN_OR_RETURN(state_, read_state(*checkpoint / kTrainerStateFile));
    TERSE_ASSIGN_OR_RETURN(model_, load_hf_model(checkpoint->string(), model_config, device_));
  } else {
    TERSE_ASSIGN_OR_RETURN(
        model_, make_model(model_config, static_cast<uint64_t>(config_.run.seed), device_));
  }
  make_optimizer();
  if (checkpoint) TERSE_RETURN_IF_ERROR(resume(*checkpoint));
  sampler_ = std::make_unique<EpochSampler>(static_cast<int64_t>(train_.size()),
                                            static_cast<uint64_t>(config_.run.seed), state_.cursor);
  return absl::OkStatus();
}

absl::Status SftTrainer::load_examples() {
  const SftConfig& sft = config_.trainer.sft;
  const int64_t max_len = config_.model.max_seq_len;
  TERSE_ASSIGN_OR_RETURN(const std::vector<Problem> train, load_split(config_.data, Split::kTrain));
  if (train.empty()) {
    return absl::FailedPreconditionError(
        "the train split is empty: set data.train_size (or data.jsonl.train_path)");
  }
  TERSE_ASSIGN_OR_RETURN(train_, make_sft_examples(*tokenizer_, train, sft.target, max_len));
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> test, load_split(config_.data, Split::kTest));
  const auto wanted = static_cast<size_t>(sft.eval_batches * sft.batch_size);
  if (test.size() > wanted) test.resize(wanted);
  TERSE_ASSIGN_OR_RETURN(eval_, make_sft_examples(*tokenizer_, test, sft.target, max_len));
  return absl::OkStatus();
}

void SftTrainer::make_optimizer() {
  // Decoupled weight decay applies to the matrices, not to norms and biases (as in GPT-2 /
  // nanoGPT).
  std::vector<at::Tensor> decay;
  std::vector<at::Tensor> no_decay;
  for (const at::Tensor& p : model_->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  const auto options = [&](double weight_decay) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(config_.trainer.lr).weight_decay(weight_decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(config_.trainer.weight_decay));
  if (!no_decay.empty()) groups.emplace_back(no_decay, options(0.0));
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      std::move(groups), torch::optim::AdamWOptions(config_.trainer.lr));
}

absl::Status SftTrainer::resume(const fs::path& checkpoint) {
  const fs::path path = checkpoint / kOptimizerFile;
  try {
    torch::load(*optimizer_, path.string(), device_);
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("cannot read the optimizer state `", path.string(), "`: ", e.what()));
  }
  return absl::OkStatus();
}

double SftTrainer::apply_lr_schedule() {
  const TrainerConfig& t = config_.trainer;
  const LrScheduleSpec spec{t.schedule, t.warmup_steps, t.steps, t.min_lr_ratio};
  const double lr = t.lr * lr_multiplier(state_.step, spec);
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
  return lr;
}

double SftTrainer::accumulate_gradients(const std::vector<const SftExample*>& examples) {
  int64_t loss_tokens = 0;
  for (const SftExample* e : examples) loss_tokens += sft_loss_tokens(*e);
  double loss = 0;
  for (const auto& part : split_micro_batches(examples, config_.trainer.micro_batch_tokens)) {
    const SftBatch batch = make_sft_batch(part, pad_id_, device_);
    const at::Tensor micro_loss = sft_loss_sum(model_, batch) / static_cast<double>(loss_tokens);
    micro_loss.backward();
    loss += micro_loss.item<double>();
  }
  return loss;
}

double SftTrainer::clip_gradients() {
  std::vector<at::Tensor> grads;
  for (const at::Tensor& p : model_->parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  return clip_grad_norm(grads, config_.trainer.max_grad_norm);
}

Metrics SftTrainer::train_step() {
  const auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const Clock::time_point start = Clock::now();
  // 1. Batch: the next examples in the epoch order.
  const double lr = apply_lr_schedule();
  const std::vector<const SftExample*> examples =
      pointers(train_, sampler_->next(config_.trainer.sft.batch_size));
  int64_t tokens = 0;
  for (const SftExample* e : examples) tokens += static_cast<int64_t>(e->ids.size()) - 1;
  // 2. Forward and backward over the micro-batches.
  const Clock::time_point backward_start = Clock::now();
  optimizer_->zero_grad();
  const double loss = accumulate_gradients(examples);
  const double backward_seconds = since(backward_start);
  // 3. Update: clip, then AdamW.
  const Clock::time_point update_start = Clock::now();
  const double grad_norm = clip_gradients();
  optimizer_->step();
  const double update_seconds = since(update_start);
  ++state_.step;
  state_.cursor = sampler_->cursor();
  const double seconds = since(start);
  return {{"loss", loss},
          {"lr", lr},
          {"grad_norm", grad_norm},
          {"tokens", static_cast<double>(tokens)},
          {"tokens_per_s", static_cast<double>(tokens) / seconds},
          {"time/train_s", seconds},
          {"time/forward_backward_s", backward_seconds},
          {"time/update_s", update_seconds}};
}

double SftTrainer::evaluate() {
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
      loss_sum += sft_loss_sum(model_, make_sft_batch(part, pad_id_, device_)).item<double>();
    }
  }
  return loss_tokens > 0 ? loss_sum / static_cast<double>(loss_tokens) : 0.0;
}

absl::Status SftTrainer::write_checkpoint_files(const fs::path& dir) {
  ExportOptions options;
  options.source_dir = config_.model.path;
  TERSE_RETURN_IF_ERROR(export_hf_model(model_, dir.string(), options));
  if (save_tokenizer_) TERSE_RETURN_IF_ERROR(save_tokenizer_(dir));
  const fs::path optimizer_path = dir / kOptimizerFile;
  try {
    torch::save(*optimizer_, optimizer_path.string());
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("cannot write the optimizer state `",
                                            optimizer_path.string(), "`: ", e.what()));
  }
  std::ofstream out(dir / kTrainerStateFile);
  out << nlohmann::json{{"step", state_.step}, {"cursor", state_.cursor}}.dump() << "\n";
  out.close();
  if (!out) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot write `", (dir / kTrainerStateFile).string(), "`"));
  }
  return absl::OkStatus();
}

absl::Status SftTrainer::save() {
  const CheckpointFiles files = [this](const fs::path& dir) { return write_checkpoint_files(dir); };
  return save_checkpoint(run_dir_ / kCheckpointsDir, state_.step, files,
                         config_.trainer.keep_checkpoints)
      .status();
}

absl::Status SftTrainer::run(std::ostream& console) {
  const TrainerConfig& t = config_.trainer;
  const std::optional<int64_t> resume_step =
      config_.run.resume ? std::optional<int64_t>(state_.step) : std::nullopt;
  TERSE_ASSIGN_OR_RETURN(MetricsLog log, MetricsLog::open(run_dir_ / kMetricsFile, resume_step));
  console << absl::StrFormat(
      "sft: %d train / %d eval sequences, %d parameters, from step %d of %d\n", train_.size(),
      eval_.size(), parameter_count(), state_.step, t.steps);
  while (state_.step < t.steps) {
    Metrics metrics = train_step();
    const int64_t step = state_.step;
    const bool eval_now = t.eval_every > 0 && step % t.eval_every == 0 && !eval_.empty();
    if (eval_now) metrics["eval/loss"] = evaluate();
    TERSE_RETURN_IF_ERROR(log.write(step, metrics));
    console << absl::StrFormat("step %d/%d  loss %.4f  lr %.3g  grad_norm %.3f  %.0f tok/s", step,
                               t.steps, metrics["loss"], metrics["lr"], metrics["grad_norm"],
                               metrics["tokens_per_s"]);
    if (eval_now) console << absl::StrFormat("  eval/loss %.4f", metrics["eval/loss"]);
    console << std::endl;
    if ((t.save_every > 0 && step % t.save_every == 0) || step == t.steps) {
      TERSE_RETURN_IF_ERROR(save());
    }
  }
  return absl::OkStatus();
}

int64_t SftTrainer::parameter_count() {
  int64_t count = 0;
  for (const at::Tensor& p : model_->parameters()) count += p.numel();
  return count;
}

}  // namespace terse
