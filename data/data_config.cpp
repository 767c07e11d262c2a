#include "data/data_config.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {
namespace {

absl::Status check_order(absl::string_view low_key, int64_t low, absl::string_view high_key,
                         int64_t high) {
  if (low <= high) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("`", low_key, "` = ", low, " must not exceed `", high_key, "` = ", high));
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
