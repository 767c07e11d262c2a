#include "trainer/demo.h"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/checkpoint.h"
#include "core/config_writer.h"
#include "core/device.h"
#include "core/elapsed.h"
#include "core/run_dir.h"
#include "core/run_report.h"
#include "core/status.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "models/tokenizer_loader.h"
#include "trainer/evaluator.h"
#include "trainer/metric_registry.h"
#include "trainer/rl_trainer.h"
#include "trainer/sft_trainer.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A phase's run directory is reused (resumed) when it exists.
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
  return phase;
}

// True when the phase's latest complete checkpoint is its last step.
bool finished(const ExperimentConfig& phase) {
  const fs::path checkpoints = fs::path(phase.run.dir) / phase.run.name / kCheckpointsDir;
  const std::optional<fs::path> latest = find_latest_checkpoint(checkpoints);
  if (!latest) return false;
  const absl::StatusOr<TrainerState> state = read_trainer_state(*latest / kTrainerStateFile);
  return state.ok() && state->step >= phase.trainer.steps;
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

// Greedy figures of a phase's final model on the first demo.eval_problems test problems.
absl::StatusOr<PhaseFigures> evaluate_phase(const ExperimentConfig& phase) {
  TERSE_ASSIGN_OR_RETURN(const std::string dir,
                         resolve_model_dir((fs::path(phase.run.dir) / phase.run.name).string()));
  TERSE_ASSIGN_OR_RETURN(const c10::Device device,
                         select_device(phase.runtime.device, 0, gpu_availability()));
  ModelConfig runtime = phase.model;
  runtime.path = dir;
  TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(dir, runtime, device));
  TERSE_ASSIGN_OR_RETURN(std::shared_ptr<Tokenizer> tokenizer, load_tokenizer(dir));
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> problems, load_split(phase.data, Split::kTest));
  if (static_cast<int64_t>(problems.size()) > phase.demo.eval_problems) {
    problems.resize(static_cast<size_t>(phase.demo.eval_problems));
  }
  EvalSpec spec;
  spec.sampling.greedy = true;
  spec.max_new_tokens = phase.data.max_completion_tokens;
  spec.seed = static_cast<uint64_t>(phase.run.seed);
  const EvalResult result = evaluate(model, *tokenizer, problems, spec);
  return PhaseFigures{result.accuracy, result.mean_tokens, result.tokens_per_correct};
}

std::string figures_row(const std::string& name, const PhaseFigures& f) {
  return absl::StrFormat("<tr><th>%s</th><td>%.3f</td><td>%.1f</td><td>%.1f</td></tr>\n", name,
                         f.accuracy, f.mean_tokens, f.tokens_per_correct);
}

std::string report_intro(const DemoSummary& s) {
  return absl::StrCat(
      "<p>Held-out test problems, greedy decoding. The charts run the phases one after the "
      "other: SFT's steps, then RL's from where SFT ended (its first point is the SFT model). "
      "Compression (mean tokens after SFT / after RL): <b>",
      absl::StrFormat("%.1f", s.compression), "&times;</b> in ", absl::StrFormat("%.0f", s.seconds),
      " s.</p>\n",
      "<table><tr><th></th><th>accuracy</th><th>mean tokens</th><th>tokens per correct</th></tr>"
      "\n",
      figures_row("after SFT (long reasoning)", s.sft), figures_row("after RL", s.rl),
      figures_row("no reasoning", s.no_reasoning), "</table>\n");
}

absl::Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

absl::Status write_report(const fs::path& out, const DemoSummary& summary) {
  TERSE_ASSIGN_OR_RETURN(const RunCurves sft, read_run_curves(out / "sft"));
  TERSE_ASSIGN_OR_RETURN(RunCurves rl, read_run_curves(out / "rl"));
  const std::vector<RunCurves> runs = {sft, rl_after_sft(std::move(rl), sft, summary.sft)};
  const std::vector<std::string> metrics = {kAccuracyMetric, kLengthMetric, "reward/accuracy",
                                            "length/mean"};
  TERSE_RETURN_IF_ERROR(write_text(out / kDemoSummaryFile, demo_summary_json(summary)));
  return write_text(out / kDemoReportFile,
                    run_report_html(runs, metrics, "terse demo", report_intro(summary)));
}

void print_table(const DemoSummary& s, const fs::path& out, std::ostream& console) {
  const auto row = [&](const char* name, const PhaseFigures& f) {
    console << absl::StrFormat("  %-26s %8.3f %12.1f %19.1f\n", name, f.accuracy, f.mean_tokens,
                               f.tokens_per_correct);
  };
  console << absl::StrFormat("\n  %-26s %8s %12s %19s\n", "held-out test problems", "accuracy",
                             "mean tokens", "tokens per correct");
  row("after SFT (long reasoning)", s.sft);
  row("after RL (length penalty)", s.rl);
  row("no reasoning", s.no_reasoning);
  console << absl::StrFormat("  compression %.1fx in %.0f s\n  report: %s\n  summary: %s\n",
                             s.compression, s.seconds, (out / kDemoReportFile).string(),
                             (out / kDemoSummaryFile).string());
}

}  // namespace

std::string demo_summary_json(const DemoSummary& s) {
  const auto phase = [](const PhaseFigures& f) {
    return nlohmann::json{{"accuracy", f.accuracy},
                          {"mean_tokens", f.mean_tokens},
                          {"tokens_per_correct", f.tokens_per_correct}};
  };
  nlohmann::json json = {{"sft", phase(s.sft)},
                         {"rl", phase(s.rl)},
                         {"no_reasoning", phase(s.no_reasoning)},
                         {"compression", s.compression},
                         {"seconds", s.seconds},
                         {"config", s.config}};
  return json.dump(2) + "\n";
}

absl::StatusOr<DemoSummary> run_demo(const ExperimentConfig& config, const fs::path& out,
                                     ProcessGroup& group, std::ostream& console) {
  const Clock::time_point start = Clock::now();
  const bool main = group.is_main();
  DemoSummary summary;
  ExperimentConfig copy = config;
  summary.config = config_to_yaml([&](ConfigVisitor& v) { copy.visit(v); }, false);
  if (main) {
    std::error_code error;
    fs::create_directories(out, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create `", out.string(), "`: ", error.message()));
    }
  }
  const DemoConfig& demo = config.demo;
  const ExperimentConfig sft =
      sft_phase(config, out, "sft", SftTarget::kLong, demo.sft_steps, demo.sft_lr);
  const ExperimentConfig direct = sft_phase(config, out, "no_reasoning", SftTarget::kDirect,
                                            demo.no_reasoning_steps, demo.no_reasoning_lr);
  ExperimentConfig rl = phase_config(config, out, "rl");
  rl.model.path = (out / "sft").string();

  if (main) console << "== 1/3  SFT on long reasoning traces\n";
  TERSE_RETURN_IF_ERROR(train_sft(sft, group, console));
  if (main) console << "== 2/3  the no-reasoning baseline (same model size)\n";
  TERSE_RETURN_IF_ERROR(train_sft(direct, group, console));
  if (main) console << "== 3/3  RL with a length penalty, from the SFT model\n";
  TERSE_RETURN_IF_ERROR(train_rl(rl, group, console));
  if (!main) return summary;

  console << "evaluating on " << demo.eval_problems << " held-out problems" << std::endl;
  TERSE_ASSIGN_OR_RETURN(summary.sft, evaluate_phase(sft));
  TERSE_ASSIGN_OR_RETURN(summary.no_reasoning, evaluate_phase(direct));
  TERSE_ASSIGN_OR_RETURN(summary.rl, evaluate_phase(rl));
  summary.compression =
      summary.rl.mean_tokens > 0 ? summary.sft.mean_tokens / summary.rl.mean_tokens : 0.0;
  summary.seconds = seconds_since(start);
  TERSE_RETURN_IF_ERROR(write_report(out, summary));
  print_table(summary, out, console);
  return summary;
}

RunCurves rl_after_sft(RunCurves rl, const RunCurves& sft, const PhaseFigures& sft_figures) {
  const int64_t offset = sft.rows.empty() ? 0 : sft.rows.back().first;
  for (auto& [step, metrics] : rl.rows) step += offset;
  rl.rows.insert(rl.rows.begin(), {offset,
                                   {{kAccuracyMetric, sft_figures.accuracy},
                                    {kLengthMetric, sft_figures.mean_tokens}}});
  return rl;
}

}  // namespace terse
