// Settings of the run as a whole: where it writes, its seed, how it resumes, and the runtime
// (threads, device) it uses.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "core/config_visitor.h"

namespace terse {

struct RunConfig {
  std::string name = "run";  // run directory name, created under `dir`
  std::string dir = "runs";  // folder that holds run directories
  int64_t seed = 0;          // seeds every random stream of the run
  bool resume = false;       // continue the run in an existing run directory
  bool overwrite = false;    // delete an existing run directory and start afresh

  void visit(ConfigVisitor& v);
  absl::Status validate() const;
};

enum class Device { kAuto, kCpu, kCuda };

struct RuntimeConfig {
  int64_t threads = 1;                // intra-op threads per process (LibTorch defaults to 1 here)
  Device device = Device::kAuto;      // auto: CUDA when LibTorch has it and a GPU is present
  double collective_timeout_s = 300;  // a collective that takes longer ends every rank
  double rendezvous_timeout_s = 60;   // ranks that do not all arrive in time end with an error

  void visit(ConfigVisitor& v);
};

}  // namespace terse
