// `terse report RUN_DIR [RUN_DIR …]`: one self-contained HTML page of the runs' curves. A sweep
// directory (from `terse sweep`) also gets its summary rewritten, and stands for its runs; a demo
// directory stands for its SFT and RL phases, one after the other.
#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "app/demo.h"
#include "app/run_report.h"
#include "app/sweep_state.h"
#include "app/sweep_summary.h"
#include "cli/command.h"
#include "core/file_util.h"
#include "core/status.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

class ReportCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("runs", run_dirs_,
                   "Run directories (each with a metrics.jsonl), sweep directories (each "
                   "with a sweep.json: writes summary.csv, summary.md and pareto.svg there), or "
                   "`terse demo` directories (SFT and RL on one step axis).")
        ->required();
    app.add_option("--out", out_,
                   "Where to write the page (default: report.html in the first "
                   "run directory when there is one run, else ./report.html).");
    app.add_option("--metrics", metrics_,
                   "Metrics to chart (default: those marked chart in docs/METRICS.md: "
                   "loss, reward, accuracy, length, KL, entropy, evaluation).");
    app.add_flag("--band", band_,
                 "The runs are seeds of one configuration: draw their mean at each step with a "
                 "shaded band from the lowest to the highest run, instead of a line per run.");
  }

  absl::Status run() override {
    std::vector<RunCurves> runs;
    for (const std::string& dir : run_dirs_) {
      if (std::filesystem::exists(std::filesystem::path(dir) / kSweepPlanFile)) {
        TERSE_RETURN_IF_ERROR(add_sweep(dir, &runs));
        continue;
      }
      TERSE_ASSIGN_OR_RETURN(RunCurves run,
                             is_demo_dir(dir) ? read_demo_timeline(dir) : read_run_curves(dir));
      runs.push_back(std::move(run));
    }
    if (runs.empty()) return absl::OkStatus();  // sweeps whose runs have not started
    const std::string out =
        !out_.empty() ? out_
                      : (run_dirs_.size() == 1
                             ? (std::filesystem::path(run_dirs_[0]) / "report.html").string()
                             : "report.html");
    const std::string title = runs.size() == 1 ? runs[0].name : absl::StrCat(runs.size(), " runs");
    TERSE_RETURN_IF_ERROR(write_file_atomically(
        out, run_report_html(runs, metrics_.empty() ? chart_metrics() : metrics_,
                             absl::StrCat("terse report: ", title), "", band_)));
    std::cout << "report: " << out << "\n";
    return absl::OkStatus();
  }

 private:
  // Writes the sweep's summary and adds the curves of its runs that have metrics.
  static absl::Status add_sweep(const std::filesystem::path& dir, std::vector<RunCurves>* runs) {
    TERSE_RETURN_IF_ERROR(write_sweep_summary(dir, summary_metrics()));
    std::cout << "sweep summary: " << (dir / kSweepSummaryMd).string() << ", "
              << (dir / kSweepSummaryCsv).string() << ", " << (dir / kSweepParetoSvg).string()
              << "\n";
    TERSE_ASSIGN_OR_RETURN(const SweepSpec plan, read_sweep_plan(dir));
    for (const SweepRun& run : plan.runs) {
      auto curves = read_run_curves(dir / run.name);
      if (curves.ok()) runs->push_back(std::move(*curves));
    }
    return absl::OkStatus();
  }

  std::vector<std::string> run_dirs_;
  std::vector<std::string> metrics_;
  std::string out_;
  bool band_ = false;
};

}  // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

}  // namespace terse
