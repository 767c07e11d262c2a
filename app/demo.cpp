#include "app/demo.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "app/demo_phases.h"
#include "app/run_report.h"
#include "core/config_writer.h"
#include "core/elapsed.h"
#include "core/metrics_log.h"
#include "core/status.h"
#include "trainer/evaluator.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Greedy figures of a phase's final model on the first demo.eval_problems test problems.
absl::StatusOr<PhaseFigures> evaluate_phase(const ExperimentConfig& phase) {
  TERSE_ASSIGN_OR_RETURN(PhaseModel loaded, load_phase_model(phase));
  TERSE_ASSIGN_OR_RETURN(const std::vector<Problem> problems,
                         held_out_problems(phase, phase.demo.eval_problems));
  EvalSpec spec;
  spec.sampling.greedy = true;
  spec.max_new_tokens = phase.data.max_completion_tokens;
  spec.seed = static_cast<uint64_t>(phase.run.seed);
  const EvalResult result = evaluate(loaded.model, *loaded.tokenizer, problems, spec);
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
      figures_row("no reasoning", s.no_reasoning), "</table>\n",
      s.modes ? modes_report_html(*s.modes) : "");
}

absl::Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

absl::Status write_report(const fs::path& out, const DemoSummary& summary) {
  TERSE_ASSIGN_OR_RETURN(const RunCurves sft, read_run_curves(out / kSftPhase));
  TERSE_ASSIGN_OR_RETURN(RunCurves rl, read_run_curves(out / kRlPhase));
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
  if (s.modes) json["modes"] = modes_json(*s.modes);
  return json.dump(2) + "\n";
}

absl::StatusOr<DemoSummary> run_demo(const ExperimentConfig& config, const fs::path& out,
                                     ProcessGroup& group, std::ostream& console, bool modes) {
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
      sft_phase(config, out, kSftPhase, SftTarget::kLong, demo.sft_steps, demo.sft_lr);
  const ExperimentConfig direct = sft_phase(config, out, kNoReasoningPhase, SftTarget::kDirect,
                                            demo.no_reasoning_steps, demo.no_reasoning_lr);
  ExperimentConfig rl = phase_config(config, out, kRlPhase);
  rl.model.path = (out / kSftPhase).string();

  const char* total = modes ? "4" : "3";
  if (main) console << "== 1/" << total << "  SFT on long reasoning traces\n";
  TERSE_RETURN_IF_ERROR(train_sft(sft, group, console));
  if (main) console << "== 2/" << total << "  the no-reasoning baseline (same model size)\n";
  TERSE_RETURN_IF_ERROR(train_sft(direct, group, console));
  if (main) console << "== 3/" << total << "  RL with a length penalty, from the SFT model\n";
  TERSE_RETURN_IF_ERROR(train_rl(rl, group, console));
  if (modes) {
    if (main) console << "== 4/4  reasoning-effort modes, from the SFT model\n";
    TERSE_RETURN_IF_ERROR(train_modes(config, out, group, console));
  }
  if (!main) return summary;

  console << "evaluating on " << demo.eval_problems << " held-out problems" << std::endl;
  // Every phase's model is evaluated with model.compute_dtype, however it was trained.
  TERSE_ASSIGN_OR_RETURN(summary.sft, evaluate_phase(phase_config(config, out, kSftPhase)));
  TERSE_ASSIGN_OR_RETURN(summary.no_reasoning,
                         evaluate_phase(phase_config(config, out, kNoReasoningPhase)));
  TERSE_ASSIGN_OR_RETURN(summary.rl, evaluate_phase(rl));
  summary.compression =
      summary.rl.mean_tokens > 0 ? summary.sft.mean_tokens / summary.rl.mean_tokens : 0.0;
  if (modes) {
    console << "evaluating the modes on " << demo.modes.eval_problems << " held-out problems"
            << std::endl;
    TERSE_ASSIGN_OR_RETURN(summary.modes, evaluate_modes(config, out));
  }
  summary.seconds = seconds_since(start);
  TERSE_RETURN_IF_ERROR(write_report(out, summary));
  print_table(summary, out, console);
  if (summary.modes) print_modes(*summary.modes, console);
  return summary;
}

namespace {

int64_t last_step(const RunCurves& run) { return run.rows.empty() ? 0 : run.rows.back().first; }

void shift_steps(int64_t offset, RunCurves& run) {
  for (auto& [step, metrics] : run.rows) step += offset;
}

}  // namespace

RunCurves rl_after_sft(RunCurves rl, const RunCurves& sft, const PhaseFigures& sft_figures) {
  const int64_t offset = last_step(sft);
  shift_steps(offset, rl);
  rl.rows.insert(rl.rows.begin(), {offset,
                                   {{kAccuracyMetric, sft_figures.accuracy},
                                    {kLengthMetric, sft_figures.mean_tokens}}});
  return rl;
}

bool is_demo_dir(const fs::path& dir) {
  return !fs::exists(dir / kMetricsFile) && fs::exists(dir / kSftPhase / kMetricsFile);
}

absl::StatusOr<RunCurves> read_demo_timeline(const fs::path& demo_dir) {
  TERSE_ASSIGN_OR_RETURN(RunCurves timeline, read_run_curves(demo_dir / kSftPhase));
  TERSE_ASSIGN_OR_RETURN(RunCurves rl, read_run_curves(demo_dir / kRlPhase));
  shift_steps(last_step(timeline), rl);
  timeline.rows.insert(timeline.rows.end(), std::make_move_iterator(rl.rows.begin()),
                       std::make_move_iterator(rl.rows.end()));
  timeline.name = run_name(demo_dir);
  return timeline;
}

}  // namespace terse
