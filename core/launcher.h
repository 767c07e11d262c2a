// Starts the local ranks of a distributed job the way torchrun does: each rank is a child
// process with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set, its output
// streamed with a "[rank R] " prefix, and when one rank fails the others are stopped. The ranks
// die with the launcher however it ends, SIGKILL included (core/child_process.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace terse {

struct LaunchSpec {
  int64_t nproc = 1;      // ranks on this machine
  int64_t nnodes = 1;     // machines in the job
  int64_t node_rank = 0;  // this machine's index; its ranks are node_rank * nproc + local rank
  std::string master_addr = "127.0.0.1";
  int64_t master_port = 0;        // 0: pick a free port (single machine only)
  std::vector<std::string> argv;  // the program and its arguments, run once per rank
  std::chrono::milliseconds grace{std::chrono::seconds(10)};  // SIGTERM to SIGKILL
};

// Runs the ranks to completion. Returns 0 when every rank exits 0; otherwise the exit code of
// the first rank that failed (128 + signal when it was killed), after stopping the others.
// Errors: a bad spec, or a child that cannot be started.
absl::StatusOr<int> launch(const LaunchSpec& spec);

// launch(), with a failed rank's exit code as the error: InvalidArgument when a rank stopped on
// bad input (exit code 2), Aborted for any other failure.
absl::Status launch_ranks(const LaunchSpec& spec);

// The path of the running binary (from /proc/self/exe), so children run the same build;
// "terse" when it cannot be read.
std::string self_executable_path();

// A TCP port on 127.0.0.1 that was free a moment ago.
absl::StatusOr<int64_t> find_free_port();

}  // namespace terse
