#include "cli/config_args.h"

#include <CLI/CLI.hpp>

#include "cli/demo_yaml.h"
#include "core/config_loader.h"
#include "core/status.h"

namespace terse {

void add_config_args(CLI::App& app, std::vector<std::string>* words) {
  app.add_option("configs", *words,
                 "YAML config files, applied in order, then key.path=value overrides "
                 "(lists as [a, b])");
  app.footer(
      "Precedence: defaults < each YAML file in order (a file may name `base: other.yaml`) < "
      "key.path=value overrides.\nEvery key, its meaning, type and default: `terse config keys`, "
      "or configs/default.yaml.\nEvery metric a run writes: `terse config metrics`, or "
      "docs/METRICS.md.");
}

absl::StatusOr<ExperimentConfig> load_experiment_config(const std::vector<std::string>& words) {
  TERSE_ASSIGN_OR_RETURN(const ConfigSources sources, split_config_args(words));
  return load_config<ExperimentConfig>(sources);
}

absl::StatusOr<ExperimentConfig> load_demo_config(const std::vector<std::string>& words) {
  ExperimentConfig config;
  const ConfigRoot root = [&](ConfigVisitor& v) { config.visit(v); };
  TERSE_RETURN_IF_ERROR(apply_config_yaml(kDemoYaml, "configs/demo.yaml (built in)", root));
  TERSE_ASSIGN_OR_RETURN(const ConfigSources sources, split_config_args(words));
  TERSE_RETURN_IF_ERROR(apply_config_sources(sources, root));
  TERSE_RETURN_IF_ERROR(config.validate());
  return config;
}

}  // namespace terse
