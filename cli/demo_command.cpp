// `terse demo`: SFT on long reasoning traces, a no-reasoning baseline, then GRPO with a length
// penalty; prints the before/after table and writes summary.json and report.html
// (app/demo.h). Settings: configs/demo.yaml (built in), then any files and overrides given.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "app/demo.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/dir_lock.h"
#include "core/launcher.h"
#include "core/status.h"

namespace terse {
namespace {

class DemoCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--out", out_, "Directory of the demo's runs, summary.json and report.html.");
    app.add_flag("--fresh", fresh_, "Delete --out first instead of continuing the runs in it.");
    app.add_flag("--modes", modes_,
                 "Then train one model in the reasoning-effort modes of demo.modes (instant, "
                 "thinking, contemplating) and measure each mode and a ladder of budgets.");
    add_config_args(app, &words_);
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const ExperimentConfig config, load_demo_config(words_));
    if (config.demo.ranks > 1 && std::getenv("WORLD_SIZE") == nullptr) {
      return start_ranks(config.demo.ranks);
    }
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group, join_process_group(config));
    if (group->is_main()) TERSE_RETURN_IF_ERROR(claim_output());
    TERSE_RETURN_IF_ERROR(group->barrier());
    return run_demo(config, out_, *group, std::cout, modes_).status();
  }

 private:
  // Runs this demo as `ranks` local ranks of itself, as `terse launch --nproc ranks` would.
  absl::Status start_ranks(int64_t ranks) const {
    LaunchSpec spec;
    spec.nproc = ranks;
    spec.argv = {self_executable_path(), "demo", "--out", out_};
    if (fresh_) spec.argv.emplace_back("--fresh");
    if (modes_) spec.argv.emplace_back("--modes");
    spec.argv.insert(spec.argv.end(), words_.begin(), words_.end());
    return launch_ranks(spec);
  }

  // Creates and locks --out (a second demo there is refused), emptied first with --fresh.
  absl::Status claim_output() {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::create_directories(out_, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create `", out_, "`: ", error.message()));
    }
    TERSE_RETURN_IF_ERROR(lock_directory(out_));
    if (!fresh_) return absl::OkStatus();
    for (const fs::directory_entry& entry : fs::directory_iterator(out_, error)) {
      if (entry.path().filename() != kDirLockFile) fs::remove_all(entry.path(), error);
    }
    return absl::OkStatus();
  }

  std::string out_ = "runs/demo";
  bool fresh_ = false;
  bool modes_ = false;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace terse
