// `terse eval`: accuracy, pass@k, mean completion and thinking tokens and tokens per correct
// answer of a model on held-out problems (a built-in task's test split or a JSONL file), under an
// optional thinking budget (with its adherence) or as a majority vote of K parallel lines of
// thought; the graded completions go to a JSONL file on request.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "cli/think_args.h"
#include "core/machine_info.h"
#include "core/status.h"
#include "data/dataset.h"
#include "models/hf_checkpoint.h"
#include "reward/length_target.h"
#include "rollout/think_tags.h"
#include "tokenizers/tokenizer_loader.h"
#include "trainer/evaluator.h"

namespace terse {
namespace {

using nlohmann::json;

class EvalCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--model", model_,
                   "A Hugging Face model directory, a checkpoint, or a run directory (its latest "
                   "checkpoint).")
        ->required();
    app.add_option("--task", task_,
                   "A built-in task (arithmetic, countdown, chain): its test split.");
    app.add_option("--dataset", dataset_, "A JSONL file in GSM8K style (question, answer).");
    app.add_option("-n,--problems", problems_, "Problems to evaluate.")
        ->check(CLI::Range(1, 1 << 24));
    app.add_option("-k,--samples", spec_.samples, "Completions per problem (pass@k).")
        ->check(CLI::Range(1, 1024));
    app.add_option("--temperature", temperature_,
                   "Sampling temperature; 0 (the default) is greedy decoding.")
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--top-p", spec_.sampling.top_p, "Nucleus sampling mass.")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--max-new-tokens", spec_.max_new_tokens, "Completion budget.")
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--seed", spec_.seed, "Sampling seed.");
    parallel_option_ =
        app.add_option(
               "--parallel", spec_.parallel,
               "Contemplate: K independent lines of thought per problem (sampled at "
               "--temperature), graded by their majority answer; ties go to the answer whose "
               "first line came first. Token counts add up all K lines.")
            ->check(CLI::Range(1, 1024));
    add_think_budget_options(app, &think_);
    app.add_option("--effort", effort_,
                   "A reasoning-effort mode of reward.effort (from the config files and "
                   "overrides given), or `all` for each in turn: its instruction is appended to "
                   "every prompt, its budget forces the end of thinking and its parallel lines "
                   "of thought are voted on, unless --think-budget or --parallel say otherwise.");
    app.add_option("--threads", threads_, "LibTorch intra-op threads.")->check(CLI::Range(1, 1024));
    app.add_option("--out", out_, "Write every graded completion here, one JSON line each.");
    add_config_args(app, &words_);
  }

  absl::Status run() override {
    set_torch_threads(threads_);
    TERSE_ASSIGN_OR_RETURN(const std::vector<Problem> problems, load_problems());
    TERSE_ASSIGN_OR_RETURN(const std::vector<int64_t> modes, effort_modes());
    TERSE_ASSIGN_OR_RETURN(const std::string dir, resolve_model_dir(model_));
    TERSE_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, load_tokenizer(dir));
    TERSE_ASSIGN_OR_RETURN(Transformer model, load_hf_model(dir, ModelConfig{}));
    std::ofstream out;
    if (!out_.empty()) out.open(out_);
    for (const int64_t mode : modes) {
      TERSE_RETURN_IF_ERROR(evaluate_mode(model, *tokenizer, dir, problems, mode, out));
    }
    if (!out_.empty() && !out) {
      return absl::InternalError(absl::StrCat("cannot write `", out_, "`"));
    }
    return absl::OkStatus();
  }

 private:
  // Thinking tokens, the budget's adherence and the parallel lines of thought.
  static void print_effort(const EvalResult& result, const EvalSpec& spec) {
    std::cout << absl::StrFormat("  mean thinking tokens %.1f", result.mean_think_tokens);
    if (spec.parallel > 1) {
      std::cout << absl::StrFormat(" (all %d lines of thought of each answer)", spec.parallel);
    }
    std::cout << "\n";
    if (const auto& a = result.adherence) {
      std::cout << absl::StrFormat(
          "  thinking budget %d (%s): mean |thinking - budget| / budget %.3f, over budget %.3f\n",
          a->budget, think_mode_name(spec.think.mode), a->relative_error, a->over_fraction);
    }
  }

  // The lengths of correct and wrong answers, and a line per difficulty level.
  static void print_outcomes(const OutcomeSplit& outcomes) {
    const auto tokens = [](const std::optional<double>& v) {
      return v ? absl::StrFormat("%.1f", *v) : std::string("-");
    };
    std::cout << absl::StrFormat("  mean tokens of correct answers %s, of wrong answers %s\n",
                                 tokens(outcomes.correct_length_mean),
                                 tokens(outcomes.wrong_length_mean));
    for (const auto& [level, s] : outcomes.levels) {
      std::cout << absl::StrFormat(
          "  level %d: %d samples, accuracy %.3f, mean tokens %.1f, tokens per correct %s\n", level,
          s.samples, s.accuracy, s.length_mean, tokens(s.tokens_per_correct));
    }
  }

  // The modes --effort names: one, every mode for `all`, or none (-1) without the flag.
  absl::StatusOr<std::vector<int64_t>> effort_modes() const {
    if (effort_.empty()) return std::vector<int64_t>{-1};
    const EffortConfig& effort = config_.reward.effort;
    if (effort_ == "all" && effort.enabled()) {
      std::vector<int64_t> all(effort.modes.size());
      std::iota(all.begin(), all.end(), 0);
      return all;
    }
    const int64_t mode = effort.find(effort_);
    if (mode < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--effort `", effort_, "` is not a mode of `reward.effort.modes` (",
                       effort.enabled() ? absl::StrJoin(effort.modes, ", ") : "none configured",
                       "); give the config file that defines the modes, e.g. configs/effort.yaml"));
    }
    return std::vector<int64_t>{mode};
  }

  // Evaluates `problems` in effort mode `mode` (-1: as given): the mode's instruction on every
  // prompt, and its budget and parallel lines where the flags leave them unset.
  absl::Status evaluate_mode(Transformer& model, const Tokenizer& tokenizer, const std::string& dir,
                             std::vector<Problem> problems, int64_t mode, std::ofstream& out) {
    EvalSpec spec = spec_;
    ThinkBudgetConfig think = think_;
    std::string name;
    if (mode >= 0) {
      const EffortConfig& effort = config_.reward.effort;
      const auto m = static_cast<size_t>(mode);
      name = effort.modes[m];
      const EffortRequest request{mode, effort.budgets[m]};
      for (Problem& p : problems) p.prompt = with_effort_instruction(p.prompt, effort, request);
      if (think.tokens < 0) think.tokens = request.budget;
      if (parallel_option_->count() == 0) spec.parallel = effort.lines(m);
    }
    TERSE_ASSIGN_OR_RETURN(spec.think, make_think_budget(think, tokenizer));
    if (spec.parallel > 1 && (spec.samples > 1 || temperature_ == 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name.empty() ? "--parallel K" : absl::StrCat("effort mode `", name, "`"), " votes over ",
          spec.parallel,
          " sampled lines of thought: give a --temperature above 0 and leave -k/--samples at 1"));
    }
    spec.sampling.greedy = temperature_ == 0;
    if (temperature_ > 0) spec.sampling.temperature = temperature_;
    const EvalResult result = evaluate(model, tokenizer, problems, spec);
    if (!name.empty()) std::cout << "effort " << name << ":\n";
    std::cout << absl::StrFormat(
        "eval %s on %d problems x %d: accuracy %.3f, pass@%d %.3f, mean tokens %.1f, tokens per "
        "correct %.1f\n",
        dir, problems.size(), spec.samples, result.accuracy, spec.samples, result.pass_at_k,
        result.mean_tokens, result.tokens_per_correct);
    print_effort(result, spec);
    print_outcomes(result.outcomes);
    if (out.is_open()) write_samples(result, problems, name, out);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Problem>> load_problems() {
    if (task_.empty() == dataset_.empty()) {
      return absl::InvalidArgumentError("give exactly one of --task NAME or --dataset FILE.jsonl");
    }
    std::vector<std::string> words = words_;
    words.push_back(absl::StrCat("data.test_size=", problems_));
    if (!task_.empty()) {
      words.push_back(absl::StrCat("data.task=", task_));
    } else {
      // Only the test split is read; the config still names a train split for every JSONL task.
      words.push_back("data.task=jsonl");
      words.push_back(absl::StrCat("data.jsonl.train_path=", dataset_));
      words.push_back(absl::StrCat("data.jsonl.test_path=", dataset_));
    }
    TERSE_ASSIGN_OR_RETURN(config_, load_experiment_config(words));
    return load_split(config_.data, Split::kTest);
  }

  // One JSON line per graded completion (per answer when voting); `effort` names the mode.
  static void write_samples(const EvalResult& result, const std::vector<Problem>& problems,
                            const std::string& effort, std::ofstream& out) {
    for (const EvalSample& s : result.samples) {
      const Problem& problem = problems[s.problem];
      json line = {{"prompt", problem.prompt},
                   {"answer", problem.answer},
                   {"sample", s.sample},
                   {"completion", s.completion},
                   {"tokens", s.tokens},
                   {"think_tokens", s.think_tokens},
                   {"votes", s.votes},
                   {"correct", s.correct},
                   {"extracted", s.extracted ? json(*s.extracted) : json(nullptr)},
                   {"finish_reason", finish_reason_name(s.finish)},
                   {"level", s.level}};
      if (!effort.empty()) line["effort"] = effort;
      out << line.dump() << "\n";
    }
  }

  std::string model_, task_, dataset_, out_;
  int64_t problems_ = 200, threads_ = 1;
  double temperature_ = 0;
  EvalSpec spec_;
  ThinkBudgetConfig think_;
  std::string effort_;
  CLI::Option* parallel_option_ = nullptr;
  ExperimentConfig config_;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_eval_command() { return std::make_unique<EvalCommand>(); }

}  // namespace terse
