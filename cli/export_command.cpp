// `terse export`: a checkpoint (or a run's latest one) as a clean Hugging Face directory.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"

namespace terse {
namespace {

class ExportCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("source", source_,
                   "A run directory (its latest checkpoint) or a checkpoint directory.")
        ->required();
    app.add_option("--out", out_, "The Hugging Face directory to write.")->required();
    app.add_option("--dtype", dtype_, "Weights' dtype: fp32 (default) or bf16.")
        ->check(CLI::IsMember({"fp32", "bf16"}));
    app.add_flag("--overwrite", overwrite_, "Replace the files of a non-empty --out directory.");
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const std::string dir, resolve_model_dir(source_));
    ModelConfig runtime;  // load_hf_model converts the weights to runtime.dtype as it copies
    runtime.dtype = dtype_ == "bf16" ? DType::kBFloat16 : DType::kFloat32;
    TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(dir, runtime));
    ExportOptions options;
    options.source_dir = dir;  // tokenizer files and generation_config.json
    options.overwrite = overwrite_;
    TERSE_RETURN_IF_ERROR(export_hf_model(model, out_, options));
    std::cout << "exported " << dir << " to " << out_ << "\n";
    return absl::OkStatus();
  }

 private:
  std::string source_, out_, dtype_ = "fp32";
  bool overwrite_ = false;
};

}  // namespace

std::unique_ptr<Command> make_export_command() { return std::make_unique<ExportCommand>(); }

}  // namespace terse
