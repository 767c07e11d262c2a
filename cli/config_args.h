// Positional arguments of config-driven commands: YAML files and `key.path=value` overrides.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/experiment_config.h"

namespace CLI {
class App;
}

namespace terse {

// Adds the `CONFIG.yaml... key.path=value...` positional arguments to `app`, stored in `words`,
// and a help footer that says where the keys are documented.
void add_config_args(CLI::App& app, std::vector<std::string>* words);

// Resolves the experiment config: defaults < files in order < overrides in order.
absl::StatusOr<ExperimentConfig> load_experiment_config(const std::vector<std::string>& words);

// The same with the built-in configs/demo.yaml applied before the files (`terse demo`, `terse
// bench step`); validated.
absl::StatusOr<ExperimentConfig> load_demo_config(const std::vector<std::string>& words);

}  // namespace terse
