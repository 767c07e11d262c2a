// `terse reward [CONFIG.yaml …] [key=value …]`: the reward playground. Shows what a length
// penalty, its gate and the advantage normalisation do to groups of samples, before any compute
// is spent. Input: one group per JSON line,
//   {"samples": [{"correct": true, "length": 120, "think_length": 100, "budget": null,
//                 "finished": true}, …], "level": 2}
// (think_length defaults to length, budget — the prompted target of l1_* — to null, finished to
// true, format to true; level is optional and echoed). All lines form one batch. Output: one
// JSON line per group with each sample's weighted accuracy, format and length terms, its total
// reward and its advantage as the configured trainer (grpo or gspo) computes it, including
// batch_std over the whole input and GFPO's retained samples (null for the others).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/input_lines.h"
#include "core/process_group.h"
#include "core/status.h"
#include "reward/length_target.h"
#include "reward/reward_composer.h"
#include "trainer/rl_algorithm.h"

namespace terse {
namespace {

using nlohmann::json;

// One input line: its samples (group_id = the line's index) and its optional level.
struct InputGroup {
  std::vector<RewardSample> samples;
  std::optional<int64_t> level;
};

absl::Status line_error(const std::string& source, int64_t line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, " line ", line, ": ", what));
}

// `object[key]` as a non-negative integer; `fallback` when absent (nullopt: required).
absl::StatusOr<int64_t> count_field(const json& object, const char* key,
                                    std::optional<int64_t> fallback) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(absl::StrCat("needs \"", key, "\" (tokens, an integer)"));
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", key, "\" must be a non-negative integer, got ", it->dump()));
  }
  return it->get<int64_t>();
}

absl::StatusOr<bool> bool_field(const json& object, const char* key, std::optional<bool> fallback) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(absl::StrCat("needs \"", key, "\" (true or false)"));
  }
  if (!it->is_boolean()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", key, "\" must be true or false, got ", it->dump()));
  }
  return it->get<bool>();
}

absl::StatusOr<RewardSample> read_sample(const json& object, int64_t group_id, bool needs_budget) {
  if (!object.is_object()) return absl::InvalidArgumentError("each sample must be a JSON object");
  RewardSample s;
  s.group_id = group_id;
  TERSE_ASSIGN_OR_RETURN(s.correct, bool_field(object, "correct", std::nullopt));
  TERSE_ASSIGN_OR_RETURN(s.completion_tokens, count_field(object, "length", std::nullopt));
  TERSE_ASSIGN_OR_RETURN(s.think_tokens, count_field(object, "think_length", s.completion_tokens));
  TERSE_ASSIGN_OR_RETURN(s.finished, bool_field(object, "finished", true));
  TERSE_ASSIGN_OR_RETURN(s.format_ok, bool_field(object, "format", true));
  TERSE_ASSIGN_OR_RETURN(s.target_tokens, count_field(object, "budget", int64_t{0}));
  if (needs_budget && s.target_tokens == 0) {
    return absl::InvalidArgumentError(
        "this penalty (l1_exact or l1_max) needs each sample's \"budget\": the target length "
        "its prompt asked for, a positive integer");
  }
  return s;
}

absl::StatusOr<InputGroup> read_group(const std::string& text, int64_t group_id,
                                      bool needs_budget) {
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return absl::InvalidArgumentError(
        "not a JSON object; write one group per line, e.g. {\"samples\": [{\"correct\": true, "
        "\"length\": 120}, {\"correct\": false, \"length\": 300}]}");
  }
  const auto samples = object.find("samples");
  if (samples == object.end() || !samples->is_array() || samples->empty()) {
    return absl::InvalidArgumentError("needs \"samples\": a non-empty array of sample objects");
  }
  InputGroup group;
  for (size_t k = 0; k < samples->size(); ++k) {
    absl::StatusOr<RewardSample> sample = read_sample((*samples)[k], group_id, needs_budget);
    if (!sample.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sample ", k, ": ", sample.status().message()));
    }
    group.samples.push_back(*sample);
  }
  if (const auto level = object.find("level"); level != object.end() && !level->is_null()) {
    if (!level->is_number_integer()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"level\" must be an integer, got ", level->dump()));
    }
    group.level = level->get<int64_t>();
  }
  return group;
}

// Every sample's advantage as the trainer's strategy sets it; nullopt for samples that do not
// train (GFPO's dropped ones).
absl::StatusOr<std::vector<std::optional<double>>> advantages(
    const ExperimentConfig& config, const std::vector<RewardSample>& inputs,
    const std::vector<double>& rewards) {
  TERSE_ASSIGN_OR_RETURN(std::unique_ptr<ProcessGroup> alone,
                         ProcessGroup::connect(DistEnv{}, ProcessGroupOptions{}));
  std::vector<RlSample> samples(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    samples[i].group_id = inputs[i].group_id;
    samples[i].completion_ids.assign(static_cast<size_t>(inputs[i].completion_tokens), 0);
  }
  // The group-relative strategies read no model to set advantages.
  const std::unique_ptr<RlAlgorithm> algorithm =
      make_rl_algorithm(config, Transformer(nullptr), Transformer(nullptr), *alone, 0, at::kCPU);
  TERSE_RETURN_IF_ERROR(algorithm->set_advantages(samples, rewards));
  std::vector<std::optional<double>> out;
  out.reserve(samples.size());
  for (const RlSample& s : samples) {
    out.push_back(s.trains ? std::optional<double>(s.advantage) : std::nullopt);
  }
  return out;
}

class RewardCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    add_config_args(app, &words_);
    app.add_option("--input", input_, "JSON lines, one group per line; `-` reads standard input.");
    app.add_option("--step", step_,
                   "Training step at which to score (the penalty schedule's warm-up, ramp and "
                   "budgets depend on it).")
        ->check(CLI::NonNegativeNumber);
    app.footer(
        "Input line: {\"samples\": [{\"correct\": true, \"length\": 120, \"think_length\": 100, "
        "\"budget\": null, \"finished\": true}, ...], \"level\": 2}\n"
        "Output line: {\"accuracy\": [...], \"format\": [...], \"length\": [...], \"reward\": "
        "[...], \"advantage\": [...]} — weighted terms, total reward and advantage per sample.\n"
        "All lines form one batch (batch_std normalises over all of them). Keys: "
        "docs/CONFIG.md; formulas: docs/length_penalties.md.");
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(const ExperimentConfig config, load_experiment_config(words_));
    if (config.trainer.algorithm == Algorithm::kPpo) {
      return absl::InvalidArgumentError(
          "`trainer.algorithm` is ppo, whose advantages come from a critic's values; the reward "
          "playground shows group-relative advantages: use grpo or gspo");
    }
    TERSE_ASSIGN_OR_RETURN(const RewardComposer composer,
                           RewardComposer::create(config.reward, config.rollout.max_new_tokens));
    TERSE_ASSIGN_OR_RETURN(const std::vector<InputGroup> groups, read_input(config));
    std::vector<RewardSample> samples;
    for (const InputGroup& g : groups) {
      samples.insert(samples.end(), g.samples.begin(), g.samples.end());
    }
    const std::vector<RewardBreakdown> scores = composer.score(samples, step_);
    std::vector<double> totals;
    totals.reserve(scores.size());
    for (const RewardBreakdown& b : scores) totals.push_back(b.total);
    TERSE_ASSIGN_OR_RETURN(const std::vector<std::optional<double>> advantage,
                           advantages(config, samples, totals));
    write_output(config.reward.weights, groups, scores, advantage);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::vector<InputGroup>> read_input(const ExperimentConfig& config) const {
    TERSE_ASSIGN_OR_RETURN(const std::unique_ptr<InputLines> input, InputLines::open(input_));
    const bool needs_budget = uses_length_target(config.reward.length_penalty.kind);
    std::vector<InputGroup> groups;
    std::string line;
    while (input->next(line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      absl::StatusOr<InputGroup> group =
          read_group(line, static_cast<int64_t>(groups.size()), needs_budget);
      if (!group.ok()) {
        return line_error(input->source(), input->number(), group.status().message());
      }
      groups.push_back(std::move(*group));
    }
    if (groups.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(input->source(), " holds no group; write one per line"));
    }
    return groups;
  }

  static void write_output(const RewardWeights& w, const std::vector<InputGroup>& groups,
                           const std::vector<RewardBreakdown>& scores,
                           const std::vector<std::optional<double>>& advantage) {
    size_t i = 0;
    for (const InputGroup& group : groups) {
      json out = {{"accuracy", json::array()},
                  {"format", json::array()},
                  {"length", json::array()},
                  {"reward", json::array()},
                  {"advantage", json::array()}};
      for (size_t k = 0; k < group.samples.size(); ++k, ++i) {
        out["accuracy"].push_back(w.accuracy * scores[i].accuracy);
        out["format"].push_back(w.format * scores[i].format);
        out["length"].push_back(w.length * scores[i].length);
        out["reward"].push_back(scores[i].total);
        out["advantage"].push_back(advantage[i] ? json(*advantage[i]) : json(nullptr));
      }
      if (group.level) out["level"] = *group.level;
      std::cout << out.dump() << "\n";
    }
  }

  std::vector<std::string> words_;
  std::string input_ = "-";
  int64_t step_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_reward_command() { return std::make_unique<RewardCommand>(); }

}  // namespace terse
