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

// The `terse` binary under test, quoted for the shell, followed by `args`.
inline std::string terse_command(const std::string& args) {
  return std::string("'") + TERSE_BINARY + "' " + args;
}

}  // namespace terse::testing
