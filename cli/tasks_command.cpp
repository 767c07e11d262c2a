// `terse tasks`: shows sample problems of a task with their long, core and direct completions,
// and with --stats the completion-length statistics over many problems.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "cli/config_args.h"
#include "core/status.h"
#include "data/completion.h"
#include "data/dataset.h"
#include "data/length_stats.h"

namespace terse {
namespace {

class TasksCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--task", task_,
                   "Task family: arithmetic, countdown, chain, or jsonl (data.jsonl.*); default "
                   "data.task.");
    app.add_option("-n,--count", count_, "Sample problems to print.")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--split", split_, "Which split to draw from.")
        ->check(CLI::IsMember({"train", "test"}));
    app.add_option("--seed", seed_, "Seed of the problem streams; default data.seed.")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--stats", stats_, "Also print completion-length statistics.");
    app.add_option("--stats-count", stats_count_, "Problems the statistics are taken over.")
        ->check(CLI::PositiveNumber);
    add_config_args(app, &words_);
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(ExperimentConfig config, load_experiment_config(words_));
    DataConfig data = config.data;
    if (!task_.empty()) data.task = task_;
    if (seed_ >= 0) data.seed = seed_;
    TERSE_RETURN_IF_ERROR(data.validate());
    const Split split = split_ == "test" ? Split::kTest : Split::kTrain;
    const int64_t wanted = std::max<int64_t>(count_, stats_ ? stats_count_ : 0);
    data.train_size = wanted;
    data.test_size = wanted;
    std::vector<Problem> problems;
    if (wanted > 0) {
      TERSE_ASSIGN_OR_RETURN(problems, load_split(data, split));
    }
    const size_t shown = std::min<size_t>(problems.size(), static_cast<size_t>(count_));
    for (size_t i = 0; i < shown; ++i) print_problem(problems[i], i + 1);
    if (stats_) {
      problems.resize(std::min<size_t>(problems.size(), static_cast<size_t>(stats_count_)));
      print_stats(data, split, problems);
    }
    return absl::OkStatus();
  }

 private:
  static void print_problem(const Problem& problem, size_t index) {
    const std::string long_text = long_completion(problem);
    const std::string core_text = core_completion(problem);
    const std::string direct_text = direct_completion(problem);
    std::cout << "[" << index << "] " << problem.prompt << "\n"
              << "  long   (" << count_tokens(long_text) << " tokens)  " << long_text << "\n";
    if (!problem.core_trace.empty()) {
      std::cout << "  core   (" << count_tokens(core_text) << " tokens)  " << core_text << "\n";
    }
    std::cout << "  direct (" << count_tokens(direct_text) << " tokens)  " << direct_text << "\n";
  }

  static void print_stats(const DataConfig& data, Split split,
                          const std::vector<Problem>& problems) {
    std::vector<int64_t> long_lengths;
    std::vector<int64_t> core_lengths;
    std::vector<int64_t> direct_lengths;
    // JSONL records have no core trace: there is no minimal length to compare with.
    const bool has_core = std::all_of(problems.begin(), problems.end(),
                                      [](const Problem& p) { return !p.core_trace.empty(); });
    for (const Problem& problem : problems) {
      long_lengths.push_back(count_tokens(long_completion(problem)));
      core_lengths.push_back(count_tokens(core_completion(problem)));
      direct_lengths.push_back(count_tokens(direct_completion(problem)));
    }
    std::cout << absl::StrFormat(
        "%s: completion tokens over %d %s problems (seed %d, optional_probability %g)\n", data.task,
        problems.size(), split_name(split), data.seed, data.optional_probability);
    std::cout << absl::StrFormat("  %-8s %8s %6s %6s %6s %6s\n", "", "mean", "p50", "p90", "min",
                                 "max");
    const auto row = [](const char* name, const LengthStats& s) {
      std::cout << absl::StrFormat("  %-8s %8.1f %6d %6d %6d %6d\n", name, s.mean, s.p50, s.p90,
                                   s.min, s.max);
    };
    const LengthStats long_stats = summarize_lengths(long_lengths);
    const LengthStats core_stats = summarize_lengths(core_lengths);
    row("long", long_stats);
    if (has_core) row("core", core_stats);
    row("direct", summarize_lengths(direct_lengths));
    if (has_core && core_stats.mean > 0) {
      std::cout << absl::StrFormat("  long/core (ratio of means) %.1fx\n",
                                   long_stats.mean / core_stats.mean);
    }
  }

  std::string task_;
  int64_t count_ = 3;
  std::string split_ = "train";
  int64_t seed_ = -1;
  bool stats_ = false;
  int64_t stats_count_ = 1000;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> make_tasks_command() { return std::make_unique<TasksCommand>(); }

}  // namespace terse
