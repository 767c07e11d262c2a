#include "cli/command.h"

namespace terse {

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> table = {
      {"doctor", "Check the installation: LibTorch, BLAS, threads, GPUs, matmul speed.",
       make_doctor_command},
      {"config", "Show a resolved config, or list every config key with its default.",
       make_config_command},
      {"score", "Log-probability of each token of JSON id arrays (one per line) under a model.",
       make_score_command},
  };
  return table;
}

}  // namespace terse
