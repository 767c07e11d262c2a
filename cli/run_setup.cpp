#include "cli/run_setup.h"

#include <chrono>

#include "core/device.h"
#include "core/machine_info.h"
#include "core/status.h"

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

}  // namespace terse
