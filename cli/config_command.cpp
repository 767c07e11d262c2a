// `terse config show`, `terse config keys` and `terse config metrics`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "core/config_writer.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

class ConfigCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.require_subcommand(1);
    show_ = app.add_subcommand("show", "Print the fully resolved config (defaults filled in).");
    add_config_args(*show_, &words_);
    show_->add_flag("--docs", docs_, "Precede each key with a comment that documents it.");
    keys_ = app.add_subcommand("keys", "List every config key: type, default, range, meaning.");
    keys_->add_option("prefix", prefix_, "Only keys that start with this, e.g. `trainer`.");
    metrics_ = app.add_subcommand(
        "metrics",
        "List every metric a run writes to metrics.jsonl: name, meaning, and how the "
        "ranks of a data-parallel run combine it.");
    metrics_->add_option("prefix", prefix_, "Only metrics that start with this, e.g. `eval/`.");
  }

  absl::Status run() override {
    if (show_->parsed()) return show();
    if (metrics_->parsed()) return metrics();
    return keys();
  }

 private:
  absl::Status show() {
    TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_experiment_config(words_));
    std::cout << config_to_yaml([&](ConfigVisitor& v) { config.visit(v); }, docs_);
    return absl::OkStatus();
  }

  absl::Status keys() {
    ExperimentConfig defaults;
    for (const ConfigKeyDoc& key : describe_config([&](ConfigVisitor& v) { defaults.visit(v); })) {
      if (!absl::StartsWith(key.path, prefix_)) continue;
      std::cout << key.path << "  (" << key.type;
      if (!key.allowed.empty()) std::cout << ", " << key.allowed;
      std::cout << "; default " << key.value << ")\n    " << key.doc << "\n";
    }
    return absl::OkStatus();
  }

  absl::Status metrics() {
    for (const MetricInfo& m : metric_registry()) {
      if (!absl::StartsWith(m.name, prefix_)) continue;
      std::cout << m.name << "  (" << reduce_name(m.reduce) << ")\n    " << m.meaning << "\n";
    }
    return absl::OkStatus();
  }

  CLI::App* show_ = nullptr;
  CLI::App* metrics_ = nullptr;
  CLI::App* keys_ = nullptr;
  std::vector<std::string> words_;
  std::string prefix_;
  bool docs_ = false;
};

}  // namespace

std::unique_ptr<Command> make_config_command() { return std::make_unique<ConfigCommand>(); }

}  // namespace terse
