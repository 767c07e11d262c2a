#include "data/data_config.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "data/task.h"

namespace terse {
namespace {

absl::Status check_order(absl::string_view low_key, int64_t low, absl::string_view high_key,
                         int64_t high) {
  if (low <= high) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("`", low_key, "` = ", low, " must not exceed `", high_key, "` = ", high));
}

absl::Status check_levels(const DataConfig& c) {
  if (!c.level_weights.empty() && c.level_weights.size() != c.levels.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`data.level_weights` has ", c.level_weights.size(), " entries but `data.levels` has ",
        c.levels.size(), "; give one weight per level, or none for equal weights"));
  }
  if (c.levels.empty()) return absl::OkStatus();
  const TaskEntry* entry = find_task(c.task);
  if (entry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("`data.levels` applies to the built-in tasks, not `data.task` = ", c.task,
                     "; JSONL records give their own level in a \"level\" field"));
  }
  for (size_t i = 0; i < c.levels.size(); ++i) {
    const int64_t level = c.levels[i];
    if (level < entry->min_level || level > entry->max_level) {
      return absl::InvalidArgumentError(absl::StrCat(
          "`data.levels[", i, "]` = ", level, " is not a level of ", c.task, " (",
          entry->level_meaning, ": ", entry->min_level, " to ", entry->max_level, ")"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (c.levels[j] == level) {
        return absl::InvalidArgumentError(absl::StrCat("`data.levels` lists ", level, " twice"));
      }
    }
  }
  double total = 0;
  for (double w : c.level_weights) total += w;
  if (!c.level_weights.empty() && total <= 0) {
    return absl::InvalidArgumentError("`data.level_weights` are all 0: give some level a weight");
  }
  return absl::OkStatus();
}

}  // namespace

void DataConfig::visit(ConfigVisitor& v) {
  v.choice("task", task, {"arithmetic", "countdown", "chain", "jsonl"},
           "Problem source: a built-in task family (docs/tasks.md) or jsonl files (data.jsonl).");
  v.field("seed", seed, "Seed of the problem streams; train and test stay disjoint for any seed.",
          Range::at_least(0));
  v.field("train_size", train_size,
          "Train problems to generate; jsonl: the first N records, 0 for all.", Range::at_least(0));
  v.field("test_size", test_size,
          "Test problems to generate; jsonl: the first N records, 0 for all.", Range::at_least(0));
  v.field("test_fraction", test_fraction,
          "Share of all problem keys reserved for the test split (a fixed hash of the key).",
          Range::above_up_to(0, 1));
  v.field("optional_probability", optional_probability,
          "Chance that a long trace keeps each optional step (restating, checks, dead ends).",
          Range::between(0, 1));
  v.field("max_completion_tokens", max_completion_tokens,
          "Long completions are drawn to fit this many tokens (trace + answer + 4 tags).",
          Range::at_least(8));
  v.field("levels", levels,
          "Difficulty levels to mix, e.g. [1, 2, 3, 4]: arithmetic digits per addend, countdown "
          "numbers, chain operations (docs/tasks.md). Each problem's level is drawn, then the "
          "problem; empty uses the family's own keys.",
          Range::at_least(1));
  v.field("level_weights", level_weights,
          "Weight of each of data.levels in the draw (same length); empty weighs them equally.",
          Range::at_least(0));
  v.section("arithmetic", arithmetic, "Column addition: `add 472+389`.");
  v.section("countdown", countdown, "Reach the target with every number once.");
  v.section("chain", chain, "Find the start of a chain of operations.");
  v.section("jsonl", jsonl, "Problems from JSON Lines files (data.task: jsonl).");
}

absl::Status DataConfig::validate() const {
  if (test_fraction >= 1) {
    return absl::InvalidArgumentError(absl::StrCat("`data.test_fraction` = ", test_fraction,
                                                   " must be below 1: train needs some problems"));
  }
  TERSE_RETURN_IF_ERROR(check_order("data.arithmetic.min_digits", arithmetic.min_digits,
                                    "data.arithmetic.max_digits", arithmetic.max_digits));
  TERSE_RETURN_IF_ERROR(check_order("data.chain.min_steps", chain.min_steps, "data.chain.max_steps",
                                    chain.max_steps));
  TERSE_RETURN_IF_ERROR(check_order("data.countdown.max_number", countdown.max_number,
                                    "data.countdown.max_value", countdown.max_value));
  TERSE_RETURN_IF_ERROR(check_levels(*this));
  if (task == "jsonl" && jsonl.train_path.empty()) {
    return absl::InvalidArgumentError(
        "`data.task` = jsonl needs `data.jsonl.train_path`, the JSONL file of the train split");
  }
  return absl::OkStatus();
}

TraceOptions DataConfig::trace_options() const {
  return {optional_probability, max_completion_tokens};
}

}  // namespace terse
