// `terse sft`: supervised fine-tuning on the configured task's completions (trainer/sft_trainer.h).
// Writes the run directory: config.yaml, metrics.jsonl, checkpoints/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "core/config_writer.h"
#include "core/machine_info.h"
#include "core/run_dir.h"
#include "core/status.h"
#include "trainer/sft_trainer.h"

namespace terse {
namespace {

class SftCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_experiment_config(words_));
    set_torch_threads(config.runtime.threads);
    const std::string resolved = config_to_yaml([&](ConfigVisitor& v) { config.visit(v); }, false);
    TERSE_ASSIGN_OR_RETURN(const std::filesystem::path run_dir,
                           prepare_run_directory(config.run, resolved));
    std::cout << "run directory: " << run_dir.string() << std::endl;
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<SftTrainer> trainer,
                           SftTrainer::create(config, run_dir));
    return trainer->run(std::cout);
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_sft_command() { return std::make_unique<SftCommand>(); }

}  // namespace terse
