#include "core/run_dir.h"

#include "absl/strings/str_cat.h"
#include "core/dir_lock.h"
#include "core/file_util.h"
#include "core/status.h"

namespace terse {

namespace fs = std::filesystem;

absl::StatusOr<fs::path> prepare_run_directory(const RunConfig& run,
                                               absl::string_view resolved_yaml) {
  const fs::path path = fs::path(run.dir) / run.name;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  const bool occupied = exists && !(fs::is_directory(path, ec) && fs::is_empty(path, ec));
  // A directory another process runs in is refused before anything in it changes; this process
  // then holds it until it ends (core/dir_lock.h).
  if (exists && fs::is_directory(path, ec)) TERSE_RETURN_IF_ERROR(lock_directory(path));
  if (occupied && run.resume) return path;
  if (occupied && !run.overwrite) {
    return absl::AlreadyExistsError(absl::StrCat(
        "run directory `", path.string(),
        "` already exists: add run.resume=true to continue it, run.overwrite=true to replace "
        "it, or choose another run.name"));
  }
  if (exists) {
    unlock_directory(path);
    fs::remove_all(path, ec);
  }
  if (!ec) fs::create_directories(path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create run directory `", path.string(), "`: ", ec.message()));
  }
  TERSE_RETURN_IF_ERROR(lock_directory(path));
  TERSE_RETURN_IF_ERROR(write_file_atomically(path / kRunConfigFile, resolved_yaml));
  return path;
}

}  // namespace terse
