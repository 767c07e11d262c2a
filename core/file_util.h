// Small file helpers for durable writes.
#pragma once

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace terse {

// Writes `contents` to `path` through a temporary file that is fsync'd and then renamed over
// `path`; the parent directory is fsync'd too. Readers see the old file or the new one, never a
// partial one, even after a crash or power loss.
absl::Status write_file_atomically(const std::filesystem::path& path, absl::string_view contents);

// fsync()s a file or a directory, so its contents (or entries) survive a power loss.
absl::Status sync_path(const std::filesystem::path& path);

}  // namespace terse
