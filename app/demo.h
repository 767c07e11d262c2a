// The built-in demo (`terse demo`): a small model learns to reason at length by SFT on the
// task's long traces, then GRPO with a length penalty shortens its reasoning; the same model
// size trained to answer without reasoning shows what the remaining reasoning is worth.
//
// Each phase is an ordinary run directory under the demo's directory (sft/, no_reasoning/, rl/);
// a phase whose final checkpoint exists is not trained again, so a killed demo continues where
// it stopped. The result is summary.json and report.html in the demo's directory. `terse demo
// --modes` adds a phase that trains and measures reasoning-effort modes (modes_sft/, modes_rl/).
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "app/demo_modes.h"
#include "app/experiment_config.h"
#include "app/run_report.h"
#include "core/process_group.h"

namespace terse {

inline constexpr char kDemoSummaryFile[] = "summary.json";
inline constexpr char kDemoReportFile[] = "report.html";

// Held-out figures of one phase's final model (greedy decoding).
struct PhaseFigures {
  double accuracy = 0;
  double mean_tokens = 0;         // completion tokens per completion
  double tokens_per_correct = 0;  // 0 when nothing was correct
};

struct DemoSummary {
  PhaseFigures sft;
  PhaseFigures rl;
  PhaseFigures no_reasoning;
  double compression = 0;  // sft.mean_tokens / rl.mean_tokens
  double seconds = 0;
  std::string config;                 // the resolved config, YAML
  std::optional<ModesSummary> modes;  // `terse demo --modes` only
};

// The RL phase's curves moved to follow SFT's on one step axis (report.html draws the phases one
// after the other): steps shifted by SFT's last step, and a first point at that step with the
// SFT model's held-out figures, where RL starts.
RunCurves rl_after_sft(RunCurves rl, const RunCurves& sft, const PhaseFigures& sft_figures);

// Whether `dir` is a demo's directory: an sft/ phase with metrics and no metrics of its own.
bool is_demo_dir(const std::filesystem::path& dir);

// A demo directory's SFT and RL phases as one run named after the directory, on one step axis:
// SFT's rows, then RL's shifted by SFT's last step. `terse report --band` over the demo's
// directories of several seeds draws these. NotFound naming the file when a phase has no metrics.
absl::StatusOr<RunCurves> read_demo_timeline(const std::filesystem::path& demo_dir);

// Runs the phases in `out` (created if needed) with `config`'s model, data and reward, its
// trainer.* for the RL phase and demo.* for the others; with `modes` also the reasoning-effort
// modes phase (app/demo_modes.h). Rank 0 writes; every rank of `group` trains each phase
// data-parallel.
absl::StatusOr<DemoSummary> run_demo(const ExperimentConfig& config,
                                     const std::filesystem::path& out, ProcessGroup& group,
                                     std::ostream& console, bool modes = false);

// summary.json's text.
std::string demo_summary_json(const DemoSummary& summary);

}  // namespace terse
