// `terse generate`: sample completions from a Hugging Face model directory with the rollout
// engine. Reads {"prompt": "..."} lines, writes one JSON line per completion.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/think_args.h"
#include "core/machine_info.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"
#include "rollout/sampling_engine.h"
#include "rollout/think_tags.h"
#include "tokenizers/tokenizer_loader.h"

namespace terse {
namespace {

using nlohmann::json;

// The prompts of a JSONL file: each line an object with a string "prompt".
absl::StatusOr<std::vector<std::string>> read_prompts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open prompts file `", path, "`"));
  std::vector<std::string> prompts;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object() || !row.contains("prompt") || !row["prompt"].is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": expected a JSON object with a string \"prompt\""));
    }
    prompts.push_back(row["prompt"].get<std::string>());
  }
  if (prompts.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no prompts"));
  return prompts;
}

std::vector<int64_t> widen(const std::vector<int32_t>& ids) {
  return std::vector<int64_t>(ids.begin(), ids.end());
}

class GenerateCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--model", model_dir_,
                   "Hugging Face model directory (config.json, safetensors, tokenizer.json), a "
                   "checkpoint, or a run directory (its latest checkpoint).")
        ->required();
    app.add_option("--prompts", prompts_path_, "JSONL file, one {\"prompt\": \"...\"} per line.")
        ->required();
    app.add_option("--out", out_path_, "Write the JSONL here instead of standard output.");
    app.add_option("-n,--samples", config_.group_size, "Completions per prompt.")
        ->check(CLI::Range(1, 4096));
    app.add_option("--max-new-tokens", config_.max_new_tokens, "Completion budget.")
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--temperature", config_.sampling.temperature, "Sampling temperature.")
        ->check(CLI::PositiveNumber);
    app.add_option("--top-p", config_.sampling.top_p, "Nucleus sampling mass.")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--top-k", config_.sampling.top_k, "Keep the k most likely tokens (0: all).")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--greedy", config_.sampling.greedy, "Take the most likely token each step.");
    app.add_option("--stop", config_.stop_strings, "Stop strings (kept in the completion).");
    app.add_option("--seed", config_.seed, "Sampling seed.");
    app.add_option("--batch", batch_, "Prompts per engine call.")->check(CLI::Range(1, 100000));
    add_think_budget_options(app, &think_);
    app.add_option("--threads", threads_, "LibTorch intra-op threads.")->check(CLI::Range(1, 1024));
  }

  absl::Status run() override {
    set_torch_threads(threads_);
    TERSE_ASSIGN_OR_RETURN(const std::vector<std::string> prompts, read_prompts(prompts_path_));
    TERSE_ASSIGN_OR_RETURN(const std::string dir, resolve_model_dir(model_dir_));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, load_tokenizer(dir));
    TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(dir, ModelConfig{}));
    config_.stop_token_ids = model->config().eos_token_ids;
    if (const auto eos = tokenizer->special_ids().eos) config_.stop_token_ids.push_back(*eos);
    if (const auto pad = tokenizer->special_ids().pad) config_.pad_id = *pad;
    TERSE_ASSIGN_OR_RETURN(config_.think, make_think_budget(think_, *tokenizer));
    const Detokenizer detokenize = [&](const std::vector<int64_t>& ids) {
      return tokenizer->decode(std::vector<int32_t>(ids.begin(), ids.end()));
    };
    std::ofstream file;
    if (!out_path_.empty()) file.open(out_path_);
    std::ostream& out = out_path_.empty() ? std::cout : file;
    for (size_t start = 0; start < prompts.size(); start += static_cast<size_t>(batch_)) {
      std::vector<PromptSpec> specs;
      for (size_t p = start; p < std::min(prompts.size(), start + batch_); ++p) {
        specs.push_back(
            {widen(tokenizer->encode_with_special(prompts[p])), static_cast<int64_t>(p)});
      }
      const Trajectory batch = generate(model, specs, config_, detokenize, 0);
      write_batch(batch, prompts, *tokenizer, out);
    }
    if (!out) return absl::InternalError("could not write the output");
    return absl::OkStatus();
  }

 private:
  void write_batch(const Trajectory& batch, const std::vector<std::string>& prompts,
                   const Tokenizer& tokenizer, std::ostream& out) const {
    for (int64_t i = 0; i < batch.size(); ++i) {
      const std::vector<int64_t> tokens = batch.completion(i);
      const json row = {
          {"prompt", prompts[batch.group_ids[i]]},
          {"sample", i % config_.group_size},
          {"completion", tokenizer.decode(std::vector<int32_t>(tokens.begin(), tokens.end()))},
          {"tokens", tokens},
          {"finish_reason", finish_reason_name(batch.finish_reasons[i])}};
      json line = row;
      if (batch.forced_mask.defined()) {
        line["forced_tokens"] = static_cast<int64_t>(batch.forced_mask[i].sum().item<float>());
      }
      out << line.dump() << "\n";
    }
    out.flush();
  }

  std::string model_dir_, prompts_path_, out_path_;
  GenerationConfig config_;
  ThinkBudgetConfig think_;
  int64_t batch_ = 16;
  int64_t threads_ = 1;
};

}  // namespace

std::unique_ptr<Command> make_generate_command() { return std::make_unique<GenerateCommand>(); }

}  // namespace terse
