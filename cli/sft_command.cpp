// `terse sft`: supervised fine-tuning on the configured task's completions (trainer/sft_trainer.h),
// on one process or data-parallel under `terse launch`. Writes the run directory: config.yaml,
// metrics.jsonl, checkpoints/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/status.h"
#include "trainer/sft_trainer.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

class SftCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const ExperimentConfig config, load_experiment_config(words_));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group, join_process_group(config));
    TERSE_ASSIGN_OR_RETURN(const std::filesystem::path run_dir, prepare_run(config, *group));
    if (group->is_main()) std::cout << "run directory: " << run_dir.string() << std::endl;
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<SftTrainer> trainer,
                           SftTrainer::create(config, run_dir, group.get()));
    return trainer->run(std::cout);
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_sft_command() { return std::make_unique<SftCommand>(); }

}  // namespace terse
