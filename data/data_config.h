// Where a run's problems come from: a built-in task generated from a seed, or JSONL files; the
// split sizes; and how long traces are drawn. Keys live under `data.` in configs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/config_visitor.h"
#include "data/arithmetic_task.h"
#include "data/chain_task.h"
#include "data/countdown_task.h"
#include "data/jsonl_dataset.h"
#include "data/trace_builder.h"

namespace terse {

struct DataConfig {
  std::string task = "arithmetic";  // a built-in family (see data/task.h) or "jsonl"
  int64_t seed = 0;                 // fixes which problems each split holds
  int64_t train_size = 10000;       // train problems (jsonl: the first N records; 0 all)
  int64_t test_size = 500;          // test problems (jsonl: the first N records; 0 all)
  double test_fraction = 0.2;       // share of all problem keys that belong to test
  double optional_probability = kDefaultOptionalProbability;    // chance to keep each block
  int64_t max_completion_tokens = kDefaultMaxCompletionTokens;  // long completions fit this
  std::vector<int64_t> levels;        // difficulty levels to mix; empty: the family's own keys
  std::vector<double> level_weights;  // each level's share of the draws; empty: equal
  ArithmeticConfig arithmetic;
  CountdownConfig countdown;
  ChainConfig chain;
  JsonlConfig jsonl;

  void visit(ConfigVisitor& v);
  // Checks that involve several fields; each error names its key paths.
  absl::Status validate() const;
  // The settings of long-trace drawing.
  TraceOptions trace_options() const;
};

}  // namespace terse
