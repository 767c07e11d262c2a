// Runs the terse binary as its users run the JSON-lines commands (verify, reward): input on
// standard input, one JSON value per output line, the exit code and standard error kept.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace terse {

struct Run {
  int exit_code = -1;
  std::vector<nlohmann::json> lines;  // stdout, one JSON value per line
  std::string stderr_text;
};

// Runs `terse <args>` with `input` on standard input.
inline Run run_terse(const std::string& args, const std::string& input) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("terse_json_lines_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(std::hash<std::string>{}(args + input)));
  fs::create_directories(dir);
  std::ofstream(dir / "in.jsonl") << input;
  const std::string command = std::string(TERSE_BINARY) + " " + args + " < " +
                              (dir / "in.jsonl").string() + " > " + (dir / "out").string() +
                              " 2> " + (dir / "err").string();
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream out(dir / "out");
  for (std::string line; std::getline(out, line);) run.lines.push_back(nlohmann::json::parse(line));
  std::stringstream err;
  err << std::ifstream(dir / "err").rdbuf();
  run.stderr_text = err.str();
  fs::remove_all(dir);
  return run;
}

}  // namespace terse
