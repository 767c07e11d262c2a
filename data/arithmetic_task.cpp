#include "data/arithmetic_task.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace terse {
namespace {

// Decimal digits, units first.
std::vector<int64_t> digits_of(int64_t n) {
  std::vector<int64_t> digits;
  do {
    digits.push_back(n % 10);
    n /= 10;
  } while (n > 0);
  return digits;
}

int64_t power_of_ten(int64_t exponent) {
  int64_t p = 1;
  for (int64_t i = 0; i < exponent; ++i) p *= 10;
  return p;
}

// One column of a written addition: the digits found in it, the carry into it, their sum.
struct Column {
  std::vector<int64_t> terms;
  int64_t carry_in = 0;
  int64_t sum = 0;

  // "7+8+1": the terms, then the carry when there is one.
  std::string expression() const {
    std::string text = absl::StrJoin(terms, "+");
    if (carry_in > 0) absl::StrAppend(&text, "+", carry_in);
    return text;
  }
  // A column with one digit and no carry is copied down: it has nothing to add.
  bool adds() const { return terms.size() + (carry_in > 0 ? 1 : 0) >= 2; }
};

// The columns of `a + b`, units first; the last column's sum is the leading part of the result.
std::vector<Column> add_columns(int64_t a, int64_t b) {
  const std::vector<int64_t> da = digits_of(a);
  const std::vector<int64_t> db = digits_of(b);
  std::vector<Column> columns;
  int64_t carry = 0;
  for (size_t j = 0; j < std::max(da.size(), db.size()); ++j) {
    Column column;
    if (j < da.size()) column.terms.push_back(da[j]);
    if (j < db.size()) column.terms.push_back(db[j]);
    column.carry_in = carry;
    column.sum = carry;
    for (const int64_t t : column.terms) column.sum += t;
    carry = column.sum / 10;
    columns.push_back(column);
  }
  return columns;
}

// The columns of `top - bottom` (top >= bottom) as written with borrows, units first: "11-9=2"
// borrows 10 for the units, the next column then subtracts the borrowed 1 ("16-8-1=7"); a digit
// with nothing to subtract is copied down ("7").
std::vector<std::string> subtract_columns(int64_t top, int64_t bottom) {
  const std::vector<int64_t> dt = digits_of(top);
  const std::vector<int64_t> db = digits_of(bottom);
  std::vector<std::string> steps;
  int64_t borrow = 0;
  for (size_t j = 0; j < dt.size(); ++j) {
    const bool has_bottom = j < db.size();
    const int64_t subtrahend = (has_bottom ? db[j] : 0) + borrow;
    const int64_t next_borrow = dt[j] < subtrahend ? 1 : 0;
    const int64_t digit = dt[j] + 10 * next_borrow;
    if (!has_bottom && borrow == 0) {
      steps.push_back(absl::StrCat(digit));
    } else {
      std::string step = absl::StrCat(digit);
      if (has_bottom) absl::StrAppend(&step, "-", db[j]);
      if (borrow > 0) absl::StrAppend(&step, "-", borrow);
      absl::StrAppend(&step, "=", digit - subtrahend);
      steps.push_back(step);
    }
    borrow = next_borrow;
  }
  return steps;
}

// "verify 861-389 11-9=2 16-8-1=7 8-3-1=4 =472".
std::string verify_block(int64_t sum, int64_t addend, int64_t other) {
  return absl::StrCat("verify ", sum, "-", addend, " ",
                      absl::StrJoin(subtract_columns(sum, addend), " "), " =", other);
}

// "redo 389+472 9+2=11 8+7+1=16 3+4+1=8".
std::string redo_block(int64_t a, int64_t b) {
  std::vector<std::string> steps;
  for (const Column& column : add_columns(a, b)) {
    steps.push_back(column.adds() ? absl::StrCat(column.expression(), "=", column.sum)
                                  : absl::StrCat(column.sum));
  }
  return absl::StrCat("redo ", a, "+", b, " ", absl::StrJoin(steps, " "));
}

// "split 400+300=700 70+80=150 2+9=11 700+150+11=861": adds by place value, highest first;
// places where both digits are 0 add nothing and are left out.
std::string split_block(int64_t a, int64_t b) {
  const std::vector<int64_t> da = digits_of(a);
  const std::vector<int64_t> db = digits_of(b);
  std::vector<std::string> steps;
  std::vector<int64_t> partials;
  for (size_t j = std::max(da.size(), db.size()); j-- > 0;) {
    const int64_t place = power_of_ten(static_cast<int64_t>(j));
    if (j < da.size() && j < db.size()) {
      if (da[j] == 0 && db[j] == 0) continue;
      steps.push_back(
          absl::StrCat(da[j] * place, "+", db[j] * place, "=", (da[j] + db[j]) * place));
      partials.push_back((da[j] + db[j]) * place);
    } else {
      partials.push_back((j < da.size() ? da[j] : db[j]) * place);
    }
  }
  partials.erase(std::remove(partials.begin(), partials.end(), 0), partials.end());
  if (partials.size() >= 2) steps.push_back(absl::StrCat(absl::StrJoin(partials, "+"), "=", a + b));
  return absl::StrCat("split ", absl::StrJoin(steps, " "));
}

// Rounds to the nearest ten, halves up.
int64_t round_to_ten(int64_t n) { return (n + 5) / 10 * 10; }

class ArithmeticTask : public Task {
 public:
  explicit ArithmeticTask(const ArithmeticConfig& config) : config_(config) {}

  absl::string_view name() const override { return "arithmetic"; }

  Problem sample(Rng& rng, const TraceOptions& options) const override {
    const int64_t a = draw_addend(rng);
    const int64_t b = draw_addend(rng);
    return addition_problem(a, b, rng, options);
  }

 private:
  int64_t draw_addend(Rng& rng) const {
    const int64_t digits = rng.uniform(config_.min_digits, config_.max_digits);
    return rng.uniform(power_of_ten(digits - 1), power_of_ten(digits) - 1);
  }

  ArithmeticConfig config_;
};

}  // namespace

void ArithmeticConfig::visit(ConfigVisitor& v) {
  v.field("min_digits", min_digits, "Fewest digits of an addend.", Range::between(1, 15));
  v.field("max_digits", max_digits, "Most digits of an addend.", Range::between(1, 15));
}

Problem addition_problem(int64_t a, int64_t b, Rng& rng, const TraceOptions& options) {
  const int64_t sum = a + b;
  Problem problem;
  problem.task = "arithmetic";
  problem.level = static_cast<int64_t>(std::to_string(std::max(a, b)).size());
  problem.key = absl::StrCat("add ", std::min(a, b), "+", std::max(a, b));
  problem.prompt = absl::StrCat("add ", a, "+", b);
  problem.answer = absl::StrCat(sum);
  problem.answer_kind = AnswerKind::kNumber;

  TraceBuilder trace;
  trace.optional(absl::StrCat("goal ", a, "+", b));
  trace.optional(absl::StrCat("about ", round_to_ten(a), "+", round_to_ten(b), "=",
                              round_to_ten(a) + round_to_ten(b)));
  for (const Column& column : add_columns(a, b)) {
    trace.core(absl::StrCat(column.sum));
    if (!column.adds()) continue;
    trace.optional(absl::StrCat("check ", column.expression(), "=", column.sum));
    // Subtracting back: the sum less every other term and the carry leaves the first term.
    std::string back = absl::StrCat("back ", column.sum);
    for (size_t t = 1; t < column.terms.size(); ++t) absl::StrAppend(&back, "-", column.terms[t]);
    if (column.carry_in > 0) absl::StrAppend(&back, "-", column.carry_in);
    absl::StrAppend(&back, "=", column.terms.front());
    trace.optional(std::move(back));
  }
  trace.optional(verify_block(sum, b, a));
  trace.optional(verify_block(sum, a, b));
  trace.optional(redo_block(b, a));
  trace.optional(split_block(a, b));
  trace.optional(absl::StrCat("so ", a, "+", b, "=", sum));
  Traces traces = trace.build(rng, options, problem.answer);
  problem.long_trace = std::move(traces.long_trace);
  problem.core_trace = std::move(traces.core_trace);
  return problem;
}

std::unique_ptr<Task> make_arithmetic_task(const ArithmeticConfig& config) {
  return std::make_unique<ArithmeticTask>(config);
}

}  // namespace terse
