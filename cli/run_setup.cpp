#include "cli/run_setup.h"

#include <chrono>

#include "cli/config_args.h"
#include "core/device.h"
#include "core/machine_info.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProcessGroup>> join_process_group(const ExperimentConfig& config) {
  set_torch_threads(config.runtime.threads);
  TERSE_ASSIGN_OR_RETURN(const DistEnv env, dist_env_from_environment());
  TERSE_ASSIGN_OR_RETURN(const c10::Device device,
                         select_device(config.runtime.device, env.local_rank, gpu_availability()));
  ProcessGroupOptions options;
  options.cuda = device.is_cuda();
  options.rendezvous_timeout = milliseconds(config.runtime.rendezvous_timeout_s);
  options.collective_timeout = milliseconds(config.runtime.collective_timeout_s);
  return ProcessGroup::connect(env, options);
}

absl::StatusOr<TrainingRun> join_training_run(const std::vector<std::string>& words) {
  TrainingRun run;
  TERSE_ASSIGN_OR_RETURN(run.config, load_experiment_config(words));
  if (!run.config.model.path.empty()) {
    TERSE_RETURN_IF_ERROR(resolve_model_dir(run.config.model.path).status());
  }
  TERSE_ASSIGN_OR_RETURN(run.group, join_process_group(run.config));
  return run;
}

absl::Status prepare_training_run(TrainingRun* run, std::ostream& console) {
  TERSE_ASSIGN_OR_RETURN(run->dir, prepare_run(run->config, *run->group));
  if (run->group->is_main()) console << "run directory: " << run->dir.string() << std::endl;
  return absl::OkStatus();
}

}  // namespace terse
