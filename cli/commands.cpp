#include "cli/command.h"

namespace terse {

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table = {
      {"doctor", "Check the installation: LibTorch, BLAS, threads, GPUs, matmul speed.",
       make_doctor_command},
      {"config", "Show a resolved config, or list every config key with its default.",
       make_config_command},
      {"tasks", "Show sample problems of a task and their completion-length statistics.",
       make_tasks_command},
  };
  return table;
}

}  // namespace terse
