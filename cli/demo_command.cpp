// `terse demo`: SFT on long reasoning traces, a no-reasoning baseline, then GRPO with a length
// penalty; prints the before/after table and writes summary.json and report.html
// (trainer/demo.h). Settings: configs/demo.yaml (built in), then any files and overrides given.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/demo_yaml.h"
#include "cli/run_setup.h"
#include "core/config_loader.h"
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
    ExperimentConfig config;
    const ConfigRoot root = [&](ConfigVisitor& v) { config.visit(v); };
    TERSE_RETURN_IF_ERROR(apply_config_yaml(kDemoYaml, "configs/demo.yaml (built in)", root));
    TERSE_ASSIGN_OR_RETURN(const ConfigSources sources, split_config_args(words_));
    TERSE_RETURN_IF_ERROR(apply_config_sources(sources, root));
    TERSE_RETURN_IF_ERROR(config.validate());
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
