// Runs a list of commands as child processes, at most N at once, each with its standard output
// and error appended to its own log file. An interrupt (SIGINT, SIGTERM) stops the running
// children (SIGTERM, then SIGKILL after a grace period) and starts no more. The children die
// with the pool's process however it ends, SIGKILL included (core/child_process.h). Call from the
// main thread: the kernel ties a child's death signal to the thread that forked it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace terse {

struct PoolJob {
  std::vector<std::string> argv;  // the program (a path) and its arguments
  std::filesystem::path log;      // appended to; its folder is created
};

struct PoolResult {
  int exit_code = 0;         // 128 + signal when the child was killed
  double seconds = 0;        // wall time
  bool interrupted = false;  // stopped by an interrupt of the pool, not finished by itself
};

struct PoolCallbacks {
  std::function<void(size_t job)> on_start;                             // a job was started
  std::function<void(size_t job, const PoolResult& result)> on_finish;  // a job ended
};

// Runs every job (in order, `parallel` at a time) unless interrupted. Returns true when every
// job ran to its end, false when an interrupt stopped the pool. Errors: a child that cannot be
// started or a log that cannot be opened (the running children are stopped first).
absl::StatusOr<bool> run_process_pool(const std::vector<PoolJob>& jobs, int64_t parallel,
                                      const PoolCallbacks& callbacks,
                                      std::chrono::milliseconds grace = std::chrono::seconds(10));

}  // namespace terse
