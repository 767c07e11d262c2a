#include "core/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {

namespace fs = std::filesystem;

absl::Status sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open `", path.string(), "` to sync"));
  const int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("fsync of `", path.string(), "` failed"));
  }
  return absl::OkStatus();
}

absl::Status write_file_atomically(const fs::path& path, absl::string_view contents) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      return absl::ResourceExhaustedError(absl::StrCat("could not write `", temporary.string(),
                                                       "` (disk full or file too large?)"));
    }
  }
  TERSE_RETURN_IF_ERROR(sync_path(temporary));
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("could not rename `", temporary.string(), "`: ", ec.message()));
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return sync_path(parent);
}

}  // namespace terse
