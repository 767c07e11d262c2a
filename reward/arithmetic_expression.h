// A safe evaluator for the countdown game's equations: non-negative integer literals, the binary
// operators + - * /, parentheses and spaces, evaluated exactly over the rationals. It is an
// operator-precedence parser with explicit stacks (no recursion, no eval), linear in the input,
// so 5,000 nested parentheses or 1 MB of text are merely slow to type, not dangerous.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reward/rational.h"

namespace terse {

struct EvaluatedExpression {
  Rational value;
  std::vector<int64_t> literals;  // the integer literals used, in order of appearance
};

// Evaluates `text`. InvalidArgument (saying what and at which byte) for any other character,
// a unary sign, a missing operand or operator, unbalanced parentheses, a literal of more than
// 18 digits, division by zero, or an intermediate value outside 64-bit rationals.
absl::StatusOr<EvaluatedExpression> evaluate_arithmetic(absl::string_view text);

}  // namespace terse
