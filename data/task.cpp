#include "data/task.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "data/arithmetic_task.h"
#include "data/chain_task.h"
#include "data/countdown_task.h"
#include "data/data_config.h"

namespace terse {

namespace {

// Draws a level from the mixture, then a problem of the family set up at that level.
class LevelMixture : public Task {
 public:
  LevelMixture(std::vector<std::unique_ptr<Task>> levels, std::vector<double> weights)
      : levels_(std::move(levels)), weights_(std::move(weights)) {}

  absl::string_view name() const override { return levels_.front()->name(); }

  Problem sample(Rng& rng, const TraceOptions& options) const override {
    return levels_[rng.weighted_index(weights_)]->sample(rng, options);
  }

 private:
  std::vector<std::unique_ptr<Task>> levels_;
  std::vector<double> weights_;
};

}  // namespace

const std::vector<TaskEntry>& task_table() {
  static const std::vector<TaskEntry> table = {
      {"arithmetic", "column addition with carries: `add 472+389`",
       [](const DataConfig& c) { return make_arithmetic_task(c.arithmetic); },
       "digits of each addend", 1, 15,
       [](DataConfig& c, int64_t level) {
         c.arithmetic.min_digits = level;
         c.arithmetic.max_digits = level;
       }},
      {"countdown", "reach a target with every given number once: `countdown 3 7 12 -> 33`",
       [](const DataConfig& c) { return make_countdown_task(c.countdown); }, "numbers given", 2, 6,
       [](DataConfig& c, int64_t level) { c.countdown.numbers = level; }},
      {"chain", "find the start of a chain of operations: `chain ? +3 *4 -5 -> 63`",
       [](const DataConfig& c) { return make_chain_task(c.chain); }, "operations in the chain", 1,
       20,
       [](DataConfig& c, int64_t level) {
         c.chain.min_steps = level;
         c.chain.max_steps = level;
       }},
  };
  return table;
}

const TaskEntry* find_task(absl::string_view name) {
  for (const TaskEntry& entry : task_table()) {
    if (name == entry.name) return &entry;
  }
  return nullptr;
}

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const TaskEntry& entry : task_table()) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::unique_ptr<Task>> make_task(absl::string_view name, const DataConfig& config) {
  const TaskEntry* entry = find_task(name);
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("no built-in task `", name, "`; the tasks are ",
                                            absl::StrJoin(task_names(), ", ")));
  }
  if (config.levels.empty()) return entry->make(config);
  std::vector<std::unique_ptr<Task>> levels;
  for (int64_t level : config.levels) {
    DataConfig at_level = config;
    entry->set_level(at_level, level);
    levels.push_back(entry->make(at_level));
  }
  std::vector<double> weights = config.level_weights;
  if (weights.empty()) weights.assign(config.levels.size(), 1.0);
  return std::make_unique<LevelMixture>(std::move(levels), std::move(weights));
}

}  // namespace terse
