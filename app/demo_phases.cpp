#include "app/demo_phases.h"

#include <algorithm>

#include "core/checkpoint.h"
#include "core/device.h"
#include "core/run_dir.h"
#include "core/status.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "tokenizers/tokenizer_loader.h"
#include "trainer/rl_trainer.h"
#include "trainer/sft_trainer.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// True when the phase's latest complete checkpoint is its last step.
bool finished(const ExperimentConfig& phase) {
  const fs::path checkpoints = fs::path(phase.run.dir) / phase.run.name / kCheckpointsDir;
  const std::optional<fs::path> latest = find_latest_checkpoint(checkpoints);
  if (!latest) return false;
  const absl::StatusOr<TrainerState> state = read_trainer_state(*latest / kTrainerStateFile);
  return state.ok() && state->step >= phase.trainer.steps;
}

}  // namespace

ExperimentConfig phase_config(const ExperimentConfig& config, const fs::path& out,
                              const std::string& name) {
  ExperimentConfig phase = config;
  phase.run.dir = out.string();
  phase.run.name = name;
  phase.run.overwrite = false;
  phase.run.resume = fs::exists(out / name / kRunConfigFile);
  return phase;
}

ExperimentConfig sft_phase(const ExperimentConfig& config, const fs::path& out,
                           const std::string& name, SftTarget target, int64_t steps, double lr) {
  ExperimentConfig phase = phase_config(config, out, name);
  const DemoConfig& demo = config.demo;
  TrainerConfig& t = phase.trainer;
  t.steps = steps;
  t.lr = lr;
  t.schedule = LrSchedule::kCosine;
  t.warmup_steps = std::min(demo.sft_warmup_steps, steps);
  t.min_lr_ratio = 0.1;
  t.eval_every = demo.sft_eval_every;
  t.save_every = demo.sft_eval_every;
  t.keep_checkpoints = 1;
  t.sft.target = target;
  t.sft.eval_generate = demo.curve_problems;
  if (demo.sft_bf16) phase.model.compute_dtype = ComputeDType::kAuto;
  return phase;
}

absl::Status train_sft(const ExperimentConfig& phase, ProcessGroup& group, std::ostream& console) {
  if (finished(phase)) return absl::OkStatus();
  TERSE_RETURN_IF_ERROR(prepare_run(phase, group).status());
  TERSE_ASSIGN_OR_RETURN(
      std::unique_ptr<SftTrainer> trainer,
      SftTrainer::create(phase, fs::path(phase.run.dir) / phase.run.name, group));
  return trainer->run(console);
}

absl::Status train_rl(const ExperimentConfig& phase, ProcessGroup& group, std::ostream& console) {
  if (finished(phase)) return absl::OkStatus();
  TERSE_RETURN_IF_ERROR(prepare_run(phase, group).status());
  TERSE_ASSIGN_OR_RETURN(std::unique_ptr<RlTrainer> trainer,
                         RlTrainer::create(phase, fs::path(phase.run.dir) / phase.run.name, group));
  return trainer->run(console);
}

absl::StatusOr<PhaseModel> load_phase_model(const ExperimentConfig& phase) {
  TERSE_ASSIGN_OR_RETURN(const std::string dir,
                         resolve_model_dir((fs::path(phase.run.dir) / phase.run.name).string()));
  TERSE_ASSIGN_OR_RETURN(const c10::Device device,
                         select_device(phase.runtime.device, 0, gpu_availability()));
  ModelConfig runtime = phase.model;
  runtime.path = dir;
  TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(dir, runtime, device));
  TERSE_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, load_tokenizer(dir));
  return PhaseModel{std::move(model), std::move(tokenizer)};
}

absl::StatusOr<std::vector<Problem>> held_out_problems(const ExperimentConfig& config,
                                                       int64_t count) {
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> problems, load_split(config.data, Split::kTest));
  if (static_cast<int64_t>(problems.size()) > count) problems.resize(static_cast<size_t>(count));
  return problems;
}

}  // namespace terse
