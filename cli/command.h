// The `terse` binary's subcommands. Each command is a class that declares its flags on a CLI11
// subcommand and then runs; the one table in cli/commands.cpp lists them, so adding a command
// never touches the dispatcher in cli/main.cpp.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"

namespace CLI {
class App;
}

namespace terse {

class Command {
 public:
  virtual ~Command() = default;
  // Declares the command's flags, positional arguments and help text on `app`.
  virtual void add_options(CLI::App& app) = 0;
  // Runs after a successful parse. Errors in what the user gave (configs, files, flags) are
  // InvalidArgument/NotFound/FailedPrecondition (exit 2); others are runtime failures (exit 1).
  virtual absl::Status run() = 0;
};

struct CommandEntry {
  const char* name;     // as typed: `terse <name>`
  const char* summary;  // one line for `terse --help`
  std::unique_ptr<Command> (*make)();
};

// Every command, in the order `terse --help` lists them.
const std::vector<CommandEntry>& command_table();

// One factory per command file.
std::unique_ptr<Command> make_config_command();
std::unique_ptr<Command> make_doctor_command();
std::unique_ptr<Command> make_launch_command();
std::unique_ptr<Command> make_verify_command();
std::unique_ptr<Command> make_reward_command();
std::unique_ptr<Command> make_tokenize_command();
std::unique_ptr<Command> make_tasks_command();
std::unique_ptr<Command> make_score_command();
std::unique_ptr<Command> make_sft_command();
std::unique_ptr<Command> make_train_command();
std::unique_ptr<Command> make_demo_command();
std::unique_ptr<Command> make_generate_command();
std::unique_ptr<Command> make_bench_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_eval_command();
std::unique_ptr<Command> make_export_command();
std::unique_ptr<Command> make_sweep_command();

}  // namespace terse
