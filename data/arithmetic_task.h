// `arithmetic`: the sum of two whole numbers, worked column by column with carries.
//
//   prompt  add 472+389
//   core    11;16;8                  (each column's sum, units first; its tens digit carries)
//   answer  861
//
// The long trace adds optional blocks around the columns: `goal` (restating), `about`
// (estimating from tens), `check`/`back` after a column (its digits, and subtracting back),
// `verify` (subtracting each addend from the sum, column by column), `redo` (adding in the
// other order), `split` (adding by place values) and `so` (the result). docs/tasks.md has the
// full notation.
#pragma once

#include <cstdint>
#include <memory>

#include "core/config_visitor.h"
#include "data/task.h"

namespace terse {

struct ArithmeticConfig {
  int64_t min_digits = 2;  // fewest digits of an addend
  int64_t max_digits = 3;  // most digits of an addend

  void visit(ConfigVisitor& v);
};

// The `arithmetic` family with `config`'s difficulty; expects min_digits <= max_digits.
std::unique_ptr<Task> make_arithmetic_task(const ArithmeticConfig& config);

// The problem `add a+b` (a, b >= 1), its optional blocks drawn from `rng` with `options`.
Problem addition_problem(int64_t a, int64_t b, Rng& rng, const TraceOptions& options);

}  // namespace terse
