// Exclusive ownership of a directory by one process: a run directory, the demo's output
// directory, a sweep's directory. The lock is flock(2) on the file `.lock` inside the directory,
// which holds the owner's process id; the kernel releases it when the process ends, however it
// ends, so a killed run can be resumed at once while a running one cannot be entered twice.
#pragma once

#include <filesystem>

#include "absl/status/status.h"

namespace terse {

// The lock file's name inside a locked directory.
inline constexpr char kDirLockFile[] = ".lock";

// Locks the existing directory `dir` for the rest of this process (again: nothing to do).
// FailedPrecondition naming the directory and the holder's process id when another process
// holds it.
absl::Status lock_directory(const std::filesystem::path& dir);

// Gives up this process's lock on `dir` (before the directory is deleted and made anew).
void unlock_directory(const std::filesystem::path& dir);

}  // namespace terse
