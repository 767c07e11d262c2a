// What a sweep directory records about its runs: the plan (sweep.json: the command, the axis
// keys and each run's values, written when the sweep starts) and the state (sweep_state.jsonl:
// one flushed line per finished attempt of a run; a run's last line counts). A run with no
// line has not finished; `terse sweep` reruns it, resuming its run directory when it exists.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "app/sweep_spec.h"

namespace terse {

inline constexpr char kSweepPlanFile[] = "sweep.json";
inline constexpr char kSweepStateFile[] = "sweep_state.jsonl";

enum class SweepRunStatus { kDone, kFailed };

// How an attempt of a run ended.
struct SweepRunState {
  SweepRunStatus status = SweepRunStatus::kDone;
  int exit_code = 0;                   // the child's exit code (128 + signal when killed)
  double seconds = 0;                  // wall time of the attempt
  std::vector<std::string> overrides;  // the run's axis overrides, to notice a changed sweep
};

// Writes `spec`'s command, axis keys and runs to `sweep_dir`/sweep.json, atomically.
absl::Status write_sweep_plan(const std::filesystem::path& sweep_dir, const SweepSpec& spec);

// Reads sweep.json back: command, keys (paths only) and runs. NotFound when it is missing.
absl::StatusOr<SweepSpec> read_sweep_plan(const std::filesystem::path& sweep_dir);

// Each run's last recorded attempt; empty when the state file does not exist yet.
absl::StatusOr<std::map<std::string, SweepRunState>> read_sweep_state(
    const std::filesystem::path& sweep_dir);

// Appends (and flushes to disk) one line for an attempt of run `name`.
absl::Status append_sweep_state(const std::filesystem::path& sweep_dir, const std::string& name,
                                const SweepRunState& state);

}  // namespace terse
