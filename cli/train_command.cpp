// `terse train`: RL with a length penalty (trainer/rl_trainer.h), on one process or on every rank
// of a torchrun-style launch (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT; see `terse launch`).
// Rank 0 prepares the run directory and writes config.yaml, metrics.jsonl, samples.jsonl,
// TensorBoard events and checkpoints/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/config_args.h"
#include "core/config_writer.h"
#include "core/device.h"
#include "core/machine_info.h"
#include "core/process_group.h"
#include "core/run_dir.h"
#include "core/status.h"
#include "trainer/rl_trainer.h"

namespace terse {
namespace {

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

class TrainCommand : public Command {
 public:
  void add_options(CLI::App& app) override { add_config_args(app, &words_); }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_experiment_config(words_));
    set_torch_threads(config.runtime.threads);
    TERSE_ASSIGN_OR_RETURN(const DistEnv env, dist_env_from_environment());
    ProcessGroupOptions options;
    TERSE_ASSIGN_OR_RETURN(const c10::Device device,
                           select_device(config.runtime.device, env.local_rank, gpu_availability()));
    options.cuda = device.is_cuda();
    options.rendezvous_timeout = milliseconds(config.runtime.rendezvous_timeout_s);
    options.collective_timeout = milliseconds(config.runtime.collective_timeout_s);
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> group,
                           ProcessGroup::connect(env, options));
    const std::string resolved = config_to_yaml([&](ConfigVisitor& v) { config.visit(v); }, false);
    std::filesystem::path run_dir = std::filesystem::path(config.run.dir) / config.run.name;
    if (group->is_main()) {
      TERSE_ASSIGN_OR_RETURN(run_dir, prepare_run_directory(config.run, resolved));
      std::cout << "run directory: " << run_dir.string() << std::endl;
    }
    TERSE_RETURN_IF_ERROR(group->barrier());
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
