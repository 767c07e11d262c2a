// `terse train`: RL with a length penalty (trainer/rl_trainer.h), on one process or on every rank
// of a torchrun-style launch (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT; see `terse launch`).
// Rank 0 prepares the run directory and writes config.yaml, metrics.jsonl, samples.jsonl,
// TensorBoard events and checkpoints/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/status.h"
#include "trainer/rl_trainer.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

class TrainCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const ExperimentConfig config, load_experiment_config(words_));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group, join_process_group(config));
    TERSE_ASSIGN_OR_RETURN(const std::filesystem::path run_dir, prepare_run(config, *group));
    if (group->is_main()) std::cout << "run directory: " << run_dir.string() << std::endl;
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<RlTrainer> trainer,
                           RlTrainer::create(config, run_dir, *group));
    return trainer->run(std::cout);
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_train_command() { return std::make_unique<TrainCommand>(); }

}  // namespace terse
