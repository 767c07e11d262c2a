#include "core/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace fs = std::filesystem;

namespace terse {
namespace {

// This process's locks: directory -> the open lock file (kept open until unlocked or exit).
std::map<std::string, int>& held_locks() {
  static std::map<std::string, int> locks;
  return locks;
}

std::mutex& locks_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string key_of(const fs::path& dir) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(dir, ec);
  return (ec ? dir : canonical).string();
}

// The process id written in the lock file, or "unknown".
std::string holder_of(int fd) {
  char text[32] = {};
  const ssize_t got = pread(fd, text, sizeof(text) - 1, 0);
  int64_t pid = 0;
  if (got > 0 && absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid)) {
    return absl::StrCat(pid);
  }
  return "unknown";
}

}  // namespace

absl::Status lock_directory(const fs::path& dir) {
  const std::lock_guard<std::mutex> guard(locks_mutex());
  const std::string key = key_of(dir);
  if (held_locks().count(key) > 0) return absl::OkStatus();
  const fs::path file = dir / kDirLockFile;
  const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open `", file.string(), "`: ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = holder_of(fd);
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          absl::StrCat("`", dir.string(), "` is in use by process ", holder, " (it holds ",
                       file.string(), "); wait for that run to end or stop it, then try again"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot lock `", file.string(), "`: ", std::strerror(error)));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write `", file.string(), "`: ", std::strerror(errno)));
  }
  held_locks()[key] = fd;
  return absl::OkStatus();
}

void unlock_directory(const fs::path& dir) {
  const std::lock_guard<std::mutex> guard(locks_mutex());
  const auto it = held_locks().find(key_of(dir));
  if (it == held_locks().end()) return;
  close(it->second);  // closing the last descriptor releases the flock
  held_locks().erase(it);
}

}  // namespace terse
