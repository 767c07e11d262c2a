// `terse report RUN_DIR [RUN_DIR …]`: one self-contained HTML page of the runs' curves.
#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "core/file_util.h"
#include "core/run_report.h"
#include "core/status.h"

namespace terse {
namespace {

class ReportCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("runs", run_dirs_, "Run directories (each with a metrics.jsonl).")->required();
    app.add_option("--out", out_,
                   "Where to write the page (default: report.html in the first "
                   "run directory when there is one run, else ./report.html).");
    app.add_option("--metrics", metrics_,
                   "Metrics to chart (default: reward, accuracy, length, "
                   "KL, entropy, evaluation, loss).");
  }

  absl::Status run() override {
    std::vector<RunCurves> runs;
    for (const std::string& dir : run_dirs_) {
      TERSE_ASSIGN_OR_RETURN(RunCurves run, read_run_curves(dir));
      runs.push_back(std::move(run));
    }
    const std::string out =
        !out_.empty() ? out_
                      : (run_dirs_.size() == 1
                             ? (std::filesystem::path(run_dirs_[0]) / "report.html").string()
                             : "report.html");
    const std::string title = runs.size() == 1 ? runs[0].name : absl::StrCat(runs.size(), " runs");
    TERSE_RETURN_IF_ERROR(write_file_atomically(
        out, run_report_html(runs, metrics_.empty() ? default_report_metrics() : metrics_,
                             absl::StrCat("terse report: ", title))));
    std::cout << "report: " << out << "\n";
    return absl::OkStatus();
  }

 private:
  std::vector<std::string> run_dirs_;
  std::vector<std::string> metrics_;
  std::string out_;
};

}  // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

}  // namespace terse
