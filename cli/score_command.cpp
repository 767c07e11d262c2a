// `terse score --model DIR`: the log-probability a model gives each token of a sequence.
// Input: one JSON array of token ids per line. Output: per line, a JSON array of
// log p(token_t | tokens_<t) for t = 1.., float32 (one number fewer than the tokens).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/input_lines.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"

namespace terse {
namespace {

class ScoreCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--model", model_dir_, "Hugging Face model directory to score with.")
        ->required();
    app.add_option("--input", input_,
                   "File with one JSON array of token ids per line; `-` reads standard input.");
    app.add_option("--dtype", dtype_, "Weights and compute type (log-probs are float32).")
        ->check(CLI::IsMember({"float32", "bfloat16"}));
    app.add_option("--threads", threads_, "LibTorch intra-op threads.")->check(CLI::Range(1, 1024));
  }

  absl::Status run() override {
    at::set_num_threads(static_cast<int>(threads_));
    ModelConfig runtime;
    runtime.dtype = dtype_ == "bfloat16" ? DType::kBFloat16 : DType::kFloat32;
    TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(model_dir_, runtime));
    model->eval();
    c10::InferenceMode inference;

    TERSE_ASSIGN_OR_RETURN(const std::unique_ptr<InputLines> input, InputLines::open(input_));
    std::string line;
    while (input->next(line)) {
      const absl::StatusOr<std::vector<int64_t>> ids = parse_line(line, model->config().vocab_size);
      if (!ids.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(input->source(), " line ", input->number(), ": ", ids.status().message()));
      }
      std::cout << nlohmann::json(score(model, *ids)).dump() << "\n";
      std::cout.flush();
    }
    return absl::OkStatus();
  }

 private:
  // The token ids of one line: a JSON array of integers in [0, vocab_size).
  static absl::StatusOr<std::vector<int64_t>> parse_line(const std::string& line,
                                                         int64_t vocab_size) {
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected a JSON array of token ids, got `", line.substr(0, 80), "`"));
    }
    std::vector<int64_t> ids;
    for (const nlohmann::json& id : json) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= vocab_size) {
        return absl::InvalidArgumentError(absl::StrCat("token ", id.dump(), " is not an id in [0, ",
                                                       vocab_size, ") of this model"));
      }
      ids.push_back(id.get<int64_t>());
    }
    return ids;
  }

  static std::vector<float> score(Transformer& model, const std::vector<int64_t>& ids) {
    const int64_t t = static_cast<int64_t>(ids.size());
    if (t < 2) return {};
    const at::Tensor tokens = at::tensor(ids, at::kLong).view({1, t});
    const at::Tensor hidden =
        model->forward(tokens, at::ones({1, t}, at::kLong), at::arange(t, at::kLong).view({1, t}));
    const at::Tensor logprobs =
        model->token_logprobs(hidden.narrow(1, 0, t - 1), tokens.narrow(1, 1, t - 1)).contiguous();
    return std::vector<float>(logprobs.data_ptr<float>(), logprobs.data_ptr<float>() + t - 1);
  }

  std::string model_dir_;
  std::string input_ = "-";
  std::string dtype_ = "float32";
  int64_t threads_ = 1;
};

}  // namespace

std::unique_ptr<Command> make_score_command() { return std::make_unique<ScoreCommand>(); }

}  // namespace terse
