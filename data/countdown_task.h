// `countdown`: combine every given number exactly once with + - * / to reach the target; every
// intermediate value is a whole number in 1..max_value (subtraction stays positive, division is
// exact).
//
//   prompt  countdown 3 7 12 -> 15
//   core    12-7=5;5*3=15            (the steps of the solution, one per `;`)
//   answer  (12-7)*3                 (any expression over the numbers that equals the target)
//
// Search is where the long trace spends most of its length: before the solution it tries other
// combinations to the end and sees them miss (`try 12+7=19 19*3=57 no`). Other optional blocks:
// `goal` (restating), `check` after a step (undoing it), `verify` (the answer's value) and
// `used` (the numbers the answer uses). docs/tasks.md has the full notation.
#pragma once

#include <cstdint>
#include <memory>

#include "core/config_visitor.h"
#include "data/task.h"

namespace terse {

struct CountdownConfig {
  int64_t numbers = 3;         // how many numbers a problem gives
  int64_t max_number = 25;     // given numbers are drawn from 1..max_number
  int64_t max_value = 200;     // every intermediate value and the target stay in 1..max_value
  int64_t max_dead_ends = 26;  // failed tries drawn for each problem, each kept with p

  void visit(ConfigVisitor& v);
};

// The `countdown` family with `config`'s difficulty; expects max_number <= max_value.
std::unique_ptr<Task> make_countdown_task(const CountdownConfig& config);

}  // namespace terse
