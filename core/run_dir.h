// The run directory: runs/<name>/ with the resolved config.yaml, metrics, samples and
// checkpoints of one run.
#pragma once

#include <filesystem>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/run_config.h"

namespace terse {

// File name of the resolved config inside a run directory.
inline constexpr char kRunConfigFile[] = "config.yaml";

// Creates the directory `run.dir/run.name` and writes `resolved_yaml` to its config.yaml.
// An existing, non-empty directory is an error unless `run.resume` (kept as it is, its
// config.yaml untouched) or `run.overwrite` (deleted first). The process holds the directory's
// lock from then on (core/dir_lock.h): a directory another process holds is an error that names
// that process, whatever run.resume and run.overwrite say.
absl::StatusOr<std::filesystem::path> prepare_run_directory(const RunConfig& run,
                                                            absl::string_view resolved_yaml);

}  // namespace terse
