#include "trainer/training_setup.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include "absl/strings/str_cat.h"
#include "core/config_writer.h"
#include "core/run_dir.h"
#include "core/status.h"
#include "data/task_tokenizer.h"
#include "models/hf_checkpoint.h"
#include "tokenizers/tokenizer_loader.h"
#include "trainer/lr_schedule.h"

namespace terse {

namespace fs = std::filesystem;

absl::StatusOr<RunTokenizer> set_up_tokenizer(ModelConfig* model) {
  RunTokenizer run;
  if (model->path.empty()) {
    std::shared_ptr<CharTokenizer> chars = make_task_tokenizer();
    run.save = [chars](const fs::path& dir) { return chars->save(dir.string()); };
    run.tokenizer = chars;
    if (model->vocab_size == 0) model->vocab_size = chars->vocab_size();
    if (model->bos_token_id < 0) model->bos_token_id = *chars->special_ids().bos;
    if (model->eos_token_ids.empty()) model->eos_token_ids = {*chars->special_ids().eos};
  } else {
    TERSE_ASSIGN_OR_RETURN(model->path, resolve_model_dir(model->path));
    TERSE_ASSIGN_OR_RETURN(run.tokenizer, load_tokenizer(model->path));
  }
  const SpecialTokenIds& special = run.tokenizer->special_ids();
  run.pad_id = special.pad.value_or(special.eos.value_or(0));
  return run;
}

std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<at::Tensor>& parameters,
                                                const TrainerConfig& trainer) {
  // Decoupled weight decay applies to the matrices, not to norms and biases (as in GPT-2 /
  // nanoGPT).
  std::vector<at::Tensor> decay;
  std::vector<at::Tensor> no_decay;
  for (const at::Tensor& p : parameters) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  const auto options = [&](double weight_decay) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(trainer.lr).weight_decay(weight_decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(trainer.weight_decay));
  if (!no_decay.empty()) groups.emplace_back(no_decay, options(0.0));
  return std::make_unique<torch::optim::AdamW>(std::move(groups),
                                               torch::optim::AdamWOptions(trainer.lr));
}

double apply_lr_schedule(torch::optim::AdamW& optimizer, const TrainerConfig& trainer,
                         int64_t step) {
  const LrScheduleSpec spec{trainer.schedule, trainer.warmup_steps, trainer.steps,
                            trainer.min_lr_ratio};
  const double lr = trainer.lr * lr_multiplier(step, spec);
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
  return lr;
}

absl::StatusOr<TrainerState> read_trainer_state(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open `", path.string(), "`"));
  const nlohmann::json state = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state.contains("step") || !state["step"].is_number_integer() ||
      !state.contains("cursor") || !state["cursor"].is_number_integer()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(),
                     ": expected {\"step\": int, \"cursor\": int}; the checkpoint is not a "
                     "training checkpoint of this version"));
  }
  TrainerState out{state["step"].get<int64_t>(), state["cursor"].get<int64_t>(), {}};
  if (const auto recent = state.find("recent_accuracy"); recent != state.end()) {
    for (const nlohmann::json& a : *recent) {
      if (!a.is_number()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path.string(), ": \"recent_accuracy\" must hold numbers, found ", a.dump()));
      }
      out.recent_accuracy.push_back(a.get<double>());
    }
  }
  return out;
}

absl::Status write_trainer_state(const fs::path& path, const TrainerState& state) {
  std::ofstream out(path);
  nlohmann::json json{{"step", state.step}, {"cursor", state.cursor}};
  if (!state.recent_accuracy.empty()) json["recent_accuracy"] = state.recent_accuracy;
  out << json.dump() << "\n";
  out.close();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

absl::Status save_optimizer(torch::optim::AdamW& optimizer, const fs::path& path) {
  try {
    torch::save(optimizer, path.string());
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot write the optimizer state `", path.string(), "`: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status load_optimizer(torch::optim::AdamW& optimizer, const fs::path& path,
                            at::Device device) {
  try {
    torch::load(optimizer, path.string(), device);
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("cannot read the optimizer state `", path.string(), "`: ", e.what()));
  }
  return absl::OkStatus();
}

absl::StatusOr<fs::path> prepare_run(const TrainingConfig& config, ProcessGroup& group) {
  fs::path run_dir = fs::path(config.run.dir) / config.run.name;
  if (group.is_main()) {
    TrainingConfig copy = config;
    const std::string resolved = config_to_yaml([&](ConfigVisitor& v) { copy.visit(v); }, false);
    TERSE_ASSIGN_OR_RETURN(run_dir, prepare_run_directory(config.run, resolved));
  }
  TERSE_RETURN_IF_ERROR(group.barrier());
  return run_dir;
}

}  // namespace terse
