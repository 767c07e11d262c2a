// `terse demo`: SFT on long reasoning traces, a no-reasoning baseline, then GRPO with a length
// penalty; prints the before/after table and writes summary.json and report.html
// (trainer/demo.h). Settings: configs/demo.yaml (built in), then any files and overrides given.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/status.h"
#include "trainer/demo.h"

namespace terse {
namespace {

class DemoCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--out", out_, "Directory of the demo's runs, summary.json and report.html.");
    app.add_flag("--fresh", fresh_, "Delete --out first instead of continuing the runs in it.");
    add_config_args(app, &words_);
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const ExperimentConfig config, load_demo_config(words_));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group, join_process_group(config));
    if (fresh_ && group->is_main()) {
      std::error_code error;
      std::filesystem::remove_all(out_, error);
    }
    TERSE_RETURN_IF_ERROR(group->barrier());
    return run_demo(config, out_, *group, std::cout).status();
  }

 private:
  std::string out_ = "runs/demo";
  bool fresh_ = false;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace terse
