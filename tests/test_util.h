// Helpers shared by the test executables: scratch directories, files, and running the binary.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace terse::testing {

// A fresh directory under the system temp folder, deleted with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "terse_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // path()/name, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a finished command left behind.
struct CommandResult {
  int exit_code;
  std::string out;  // standard output
  std::string err;  // standard error
};

// How many times `needle` occurs in `text`, overlaps included.
inline int occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Runs `command` through the shell with stdin from /dev/null (or `stdin_file`).
inline CommandResult run_command(const std::string& command, const std::string& stdin_file = "") {
  TempDir scratch;
  const std::string in = stdin_file.empty() ? "/dev/null" : stdin_file;
  const std::string full = command + " < '" + in + "' > '" + (scratch / "out").string() + "' 2> '" +
                           (scratch / "err").string() + "'";
  const int status = std::system(full.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, read_file(scratch / "out"), read_file(scratch / "err")};
}

#ifdef TERSE_BINARY
// The `terse` binary under test, quoted for the shell, followed by `args`. Defined for the test
// executables declared RUNS_TERSE (tests/CMakeLists.txt): a unit test cannot run the binary.
inline std::string terse_command(const std::string& args) {
  return std::string("'") + TERSE_BINARY + "' " + args;
}

// Starts `terse ARGS` in the background, its output discarded; returns its process id (the
// shell execs terse, so the id is terse's own), or -1 when fork fails.
inline pid_t start_terse(const std::string& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string command = terse_command(args) + " > /dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}
#endif

}  // namespace terse::testing
