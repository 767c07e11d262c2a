#include "cli/config_args.h"

#include <CLI/CLI.hpp>

#include "core/config_loader.h"

namespace terse {

void add_config_args(CLI::App& app, std::vector<std::string>* words) {
  app.add_option("configs", *words,
                 "YAML config files, applied in order, then key.path=value overrides "
                 "(lists as [a, b])");
  app.footer(
      "Precedence: defaults < each YAML file in order (a file may name `base: other.yaml`) < "
      "key.path=value overrides.\nEvery key, its meaning, type and default: `terse config keys`, "
      "or configs/default.yaml.");
}

absl::StatusOr<ExperimentConfig> load_experiment_config(const std::vector<std::string>& words) {
  TERSE_ASSIGN_OR_RETURN(const ConfigSources sources, split_config_args(words));
  return load_config<ExperimentConfig>(sources);
}

}  // namespace terse
