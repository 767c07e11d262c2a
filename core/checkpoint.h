// Crash-safe checkpoint directories. Under a run's `checkpoints/` folder:
//
//   step-00000120/          every file of one checkpoint, plus manifest.json
//   latest                  one line naming the newest complete checkpoint
//
// A checkpoint is written into a temporary directory, every file and the directory are fsync'd,
// a manifest records each file's size and XXH3-64 checksum, and only then is the directory renamed
// into place and `latest` replaced (write + fsync + rename). A reader verifies the manifest, so a
// checkpoint cut short by a kill, a full disk or a crash is never loaded: the previous one is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace terse {

inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kLatestFile[] = "latest";

// Writes a checkpoint's files into `dir` (an empty temporary directory).
using CheckpointFiles = std::function<absl::Status(const std::filesystem::path& dir)>;

// Writes checkpoint `step` under `root` through `write_files`, makes it the latest, then deletes
// all but the `keep` newest complete checkpoints. On any error nothing changes: the temporary
// directory is removed and the previous checkpoint stays the latest. Returns the new directory.
absl::StatusOr<std::filesystem::path> save_checkpoint(const std::filesystem::path& root,
                                                      int64_t step,
                                                      const CheckpointFiles& write_files,
                                                      int64_t keep);

// Checks that every file of the manifest in `dir` exists with its recorded size and checksum
// and that no file is unlisted. Errors name the directory and the file.
absl::Status verify_checkpoint(const std::filesystem::path& dir);

// The newest complete checkpoint under `root`: the one `latest` names if it verifies, else the
// highest-step directory that verifies; nullopt when there is none.
std::optional<std::filesystem::path> find_latest_checkpoint(const std::filesystem::path& root);

// The step recorded in a checkpoint directory's manifest.
absl::StatusOr<int64_t> checkpoint_step(const std::filesystem::path& dir);

}  // namespace terse
