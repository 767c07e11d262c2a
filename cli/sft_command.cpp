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

namespace terse {
namespace {

class SftCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(TrainingRun run, join_training_run(words_));
    TERSE_RETURN_IF_ERROR(prepare_training_run(&run, std::cout));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<SftTrainer> trainer,
                           SftTrainer::create(run.config, run.dir, *run.group));
    return trainer->run(std::cout);
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_sft_command() { return std::make_unique<SftCommand>(); }

}  // namespace terse
