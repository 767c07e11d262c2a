// The `terse` binary: parses the command line, runs one command from cli/commands.cpp, and turns
// its Status into an exit code (0 ok, 2 bad usage or input, 1 runtime failure).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli/command.h"
#include "core/allocator.h"
#include "core/status.h"

namespace terse {
namespace {

// Prints an error: its first line, or every line with `verbose`.
void print_error(const absl::Status& status, bool verbose) {
  const std::vector<std::string> lines = absl::StrSplit(status.message(), '\n');
  if (verbose || lines.size() == 1) {
    for (const std::string& line : lines) std::cerr << "error: " << line << "\n";
    return;
  }
  std::cerr << "error: " << lines.front() << "\n"
            << "(" << lines.size() - 1 << " more error line(s); rerun with --verbose to see all)\n";
}

int run_command(Command& command, bool verbose) {
  absl::Status status;
  try {
    status = command.run();
  } catch (const std::exception& e) {
    // LibTorch errors carry a backtrace after the first line; keep it for --verbose.
    status = absl::InternalError(e.what());
  }
  if (!status.ok()) print_error(status, verbose);
  return exit_code_for(status);
}

int main(int argc, char** argv) {
  retain_freed_memory();  // before the first tensor: see core/allocator.h
  CLI::App app(
      "terse: reinforcement learning that teaches a reasoning model to think in fewer "
      "tokens.",
      "terse");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("terse ") + TERSE_VERSION);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Print every error line and internal details.");
  app.footer("Run `terse <command> --help` for a command's flags.");

  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
  for (const CommandEntry& entry : command_table()) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    std::unique_ptr<Command> command = entry.make();
    command->add_options(*sub);
    commands.emplace_back(sub, std::move(command));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitInputError;
  }
  for (auto& [sub, command] : commands) {
    if (sub->parsed()) return run_command(*command, verbose);
  }
  return kExitInputError;
}

}  // namespace
}  // namespace terse

int main(int argc, char** argv) { return terse::main(argc, argv); }
