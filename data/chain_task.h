// `chain`: a whole number went through a chain of operations, applied left to right; find it.
//
//   prompt  chain ? -5 /5 *9 +2 -> 29
//   core    27;3;15;20               (undoing the steps from the last: 29-2, 27/9, 3*5, 15+5)
//   answer  20
//
// The long trace may first guess and check (`try 25 25-5=20 20/5=4 4*9=36 36+2=38 high`): the
// guesses of a bisection that a solver abandons for undoing the steps. Other optional blocks:
// `goal` (restating), `plan` (the inverse operations in the order they apply: `plan -2 /9 *5
// +5`), `check`/`back` after a step (the undoing written out, and redoing it),
// `verify` (running the chain forward from the answer) and `so` (the result). docs/tasks.md
// has the full notation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/config_visitor.h"
#include "data/task.h"

namespace terse {

struct ChainConfig {
  int64_t min_steps = 3;    // fewest operations in a chain
  int64_t max_steps = 4;    // most operations in a chain
  int64_t max_value = 99;   // the start and every value along the chain stay in 1..max_value
  int64_t max_operand = 9;  // operations add, subtract, multiply or divide by 1..max_operand

  void visit(ConfigVisitor& v);
};

// The `chain` family with `config`'s difficulty; expects min_steps <= max_steps.
std::unique_ptr<Task> make_chain_task(const ChainConfig& config);

// One operation of a chain.
struct ChainStep {
  char op;          // '+', '-', '*' or '/'
  int64_t operand;  // >= 1
};

// The problem whose chain starts at `start` and applies `steps`; expects every value along it in
// 1..max_value and exact divisions. Guesses range over the starts in 1..max_value whose chains
// stay valid; optional blocks are drawn from `rng` with `options`.
Problem chain_problem(int64_t start, const std::vector<ChainStep>& steps, int64_t max_value,
                      Rng& rng, const TraceOptions& options);

}  // namespace terse
