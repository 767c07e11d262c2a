// `terse config show` and `terse config keys`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "core/config_writer.h"

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
  }

  absl::Status run() override {
    if (show_->parsed()) return show();
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

  CLI::App* show_ = nullptr;
  CLI::App* keys_ = nullptr;
  std::vector<std::string> words_;
  std::string prefix_;
  bool docs_ = false;
};

}  // namespace

std::unique_ptr<Command> make_config_command() { return std::make_unique<ConfigCommand>(); }

}  // namespace terse
