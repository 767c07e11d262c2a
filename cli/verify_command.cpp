// `terse verify`: grades completions from standard input with one of the reward's verifiers.
// Input: one JSON object per line with `completion` and `answer` (countdown: `numbers` and
// `target`). Output: one JSON object per line with `correct` and `extracted` (null if none).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "core/status.h"
#include "reward/verifier.h"

namespace terse {
namespace {

using nlohmann::json;

absl::Status line_error(int64_t line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("stdin line ", line, ": ", what));
}

// Reads the fields `kind` needs from one parsed input line.
absl::StatusOr<Reference> read_reference(const json& object, VerifierKind kind, int64_t line) {
  Reference reference;
  if (kind == VerifierKind::kCountdown) {
    const auto numbers = object.find("numbers");
    const auto target = object.find("target");
    if (numbers == object.end() || !numbers->is_array() || target == object.end() ||
        !target->is_number_integer()) {
      return line_error(line,
                        "countdown needs \"numbers\" (an array of integers) and \"target\" (an "
                        "integer), e.g. {\"completion\": \"...\", \"numbers\": [3, 5], "
                        "\"target\": 8}");
    }
    for (const json& n : *numbers) {
      if (!n.is_number_integer()) return line_error(line, "\"numbers\" must hold only integers");
      reference.numbers.push_back(n.get<int64_t>());
    }
    reference.target = target->get<int64_t>();
    return reference;
  }
  const auto answer = object.find("answer");
  if (answer == object.end() || !(answer->is_string() || answer->is_number())) {
    return line_error(line,
                      "needs \"answer\" (a string or number), e.g. {\"completion\": \"...\", "
                      "\"answer\": \"18\"}");
  }
  reference.answer = answer->is_string() ? answer->get<std::string>() : answer->dump();
  return reference;
}

// The verdict on one input line, as the output line's JSON.
absl::StatusOr<std::string> verify_line(const std::string& text, const Verifier& verifier,
                                        VerifierKind kind, int64_t line) {
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return line_error(line,
                      "not a JSON object; write one object per line, e.g. "
                      "{\"completion\": \"... #### 18\", \"answer\": \"18\"}");
  }
  const auto completion = object.find("completion");
  if (completion == object.end() || !completion->is_string()) {
    return line_error(line, "needs \"completion\" (a string)");
  }
  TERSE_ASSIGN_OR_RETURN(const Reference reference, read_reference(object, kind, line));
  const Verdict verdict = verifier.verify(completion->get_ref<const std::string&>(), reference);
  json out = json::object();
  out["correct"] = verdict.correct;
  out["extracted"] = verdict.extracted ? json(*verdict.extracted) : json(nullptr);
  // Model output may hold invalid UTF-8: replace it rather than fail.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

class VerifyCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--verifier", verifier_,
                   "math, countdown or exact (default: the config's reward.verifier, math)")
        ->check(CLI::IsMember({"math", "countdown", "exact"}));
    add_config_args(app, &words_);
    app.footer(
        "Reads JSON lines from standard input: {\"completion\", \"answer\"} (countdown: "
        "{\"completion\", \"numbers\", \"target\"}); writes {\"correct\", \"extracted\"} per "
        "line. Settings are config overrides, e.g. reward.math.last_number_fallback=false; "
        "`terse config keys reward` lists them.");
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_experiment_config(words_));
    for (const auto& [name, kind] : verifier_kind_names()) {
      if (name == verifier_) config.reward.verifier = kind;
    }
    const std::unique_ptr<Verifier> verifier = make_verifier(config.reward);
    std::string text;
    for (int64_t line = 1; std::getline(std::cin, text); ++line) {
      if (absl::StripAsciiWhitespace(text).empty()) continue;
      TERSE_ASSIGN_OR_RETURN(const std::string out,
                             verify_line(text, *verifier, config.reward.verifier, line));
      std::cout << out << '\n';
    }
    std::cout.flush();
    return absl::OkStatus();
  }

 private:
  std::string verifier_;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_verify_command() { return std::make_unique<VerifyCommand>(); }

}  // namespace terse
