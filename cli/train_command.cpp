// `terse train`: RL with a length penalty (trainer/rl_trainer.h), on one process or on every rank
// of a torchrun-style launch (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT; see `terse launch`).
// Rank 0 prepares the run directory and writes config.yaml, metrics.jsonl, samples.jsonl,
// TensorBoard events and checkpoints/. With rollout.workers = K the last K ranks only sample
// (trainer/rollout_service.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/run_setup.h"
#include "core/status.h"
#include "trainer/rl_trainer.h"
#include "trainer/rollout_service.h"

namespace terse {
namespace {

class TrainCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(TrainingRun run, join_training_run(words_));
    if (run.config.rollout.workers == 0) {
      TERSE_RETURN_IF_ERROR(prepare_training_run(&run, std::cout));
      TERSE_ASSIGN_OR_RETURN(std::unique_ptr<RlTrainer> trainer,
                             RlTrainer::create(run.config, run.dir, *run.group));
      return trainer->run(std::cout);
    }
    // Disaggregated: the last rollout.workers ranks sample, the others train.
    TERSE_ASSIGN_OR_RETURN(const RankLayout layout,
                           RankLayout::create(run.config, run.group->world_size()));
    TERSE_RETURN_IF_ERROR(prepare_training_run(&run, std::cout));
    TERSE_ASSIGN_OR_RETURN(RolloutGroups groups, join_rollout_groups(*run.group, layout));
    if (layout.is_worker(run.group->rank())) {
      return serve_rollouts(run.config, layout, *run.group, *groups.weights, std::cout);
    }
    RolloutClient rollouts(run.config, layout, *run.group, groups.weights.get());
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<RlTrainer> trainer,
                           RlTrainer::create(run.config, run.dir, *groups.trainers, &rollouts));
    return trainer->run(std::cout);
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_train_command() { return std::make_unique<TrainCommand>(); }

}  // namespace terse
