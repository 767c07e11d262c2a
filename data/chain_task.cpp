#include "data/chain_task.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace terse {
namespace {

// `value` after `step`, or nullopt when the result leaves the whole numbers in 1..max_value.
std::optional<int64_t> apply(const ChainStep& step, int64_t value, int64_t max_value) {
  int64_t out = 0;
  switch (step.op) {
    case '+':
      out = value + step.operand;
      break;
    case '-':
      out = value - step.operand;
      break;
    case '*':
      out = value * step.operand;
      break;
    default:
      if (value % step.operand != 0) return std::nullopt;
      out = value / step.operand;
  }
  if (out < 1 || out > max_value) return std::nullopt;
  return out;
}

// The value `step` turned into `value`.
int64_t undo(const ChainStep& step, int64_t value) {
  switch (step.op) {
    case '+':
      return value - step.operand;
    case '-':
      return value + step.operand;
    case '*':
      return value / step.operand;
    default:
      return value * step.operand;
  }
}

char inverse(char op) { return op == '+' ? '-' : op == '-' ? '+' : op == '*' ? '/' : '*'; }

// "-5", "/5": an operation as the prompt writes it.
std::string text(char op, int64_t operand) { return absl::StrCat(std::string(1, op), operand); }

// Where the chain from `start` ends, or nullopt when a value leaves 1..max_value or a division
// is not exact.
std::optional<int64_t> end_of(const std::vector<ChainStep>& chain, int64_t start,
                              int64_t max_value) {
  std::optional<int64_t> value = start;
  for (const ChainStep& step : chain) {
    value = apply(step, *value, max_value);
    if (!value) break;
  }
  return value;
}

// A chain run forward from a start: its steps as text and its end value.
struct Run {
  std::vector<std::string> steps;  // "20-5=15", ...
  int64_t end = 0;
};

// The chain run from `start`, or nullopt when a value leaves 1..max_value or a division is not
// exact.
std::optional<Run> run_forward(const std::vector<ChainStep>& chain, int64_t start,
                               int64_t max_value) {
  Run run;
  int64_t value = start;
  for (const ChainStep& step : chain) {
    const std::optional<int64_t> next = apply(step, value, max_value);
    if (!next) return std::nullopt;
    run.steps.push_back(absl::StrCat(value, text(step.op, step.operand), "=", *next));
    value = *next;
  }
  run.end = value;
  return run;
}

// The failed guesses of a bisection for the start over the starts whose chain stays valid:
// "try 25 25-5=20 20/5=4 4*9=36 36+2=38 high". The chain strictly increases with its start, so
// a guess whose end is above the target is too high. Stops where the next guess is the answer.
std::vector<std::string> bisection_guesses(const std::vector<ChainStep>& chain, int64_t start,
                                           int64_t target, int64_t max_value) {
  std::vector<int64_t> candidates;
  for (int64_t x = 1; x <= max_value; ++x) {
    if (end_of(chain, x, max_value)) candidates.push_back(x);
  }
  std::vector<std::string> guesses;
  size_t lo = 0;
  size_t hi = candidates.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t guess = candidates[mid];
    if (guess == start) break;
    const Run run = *run_forward(chain, guess, max_value);
    guesses.push_back(absl::StrCat("try ", guess, " ", absl::StrJoin(run.steps, " "), " ",
                                   run.end > target ? "high" : "low"));
    if (run.end > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return guesses;
}

class ChainTask : public Task {
 public:
  explicit ChainTask(const ChainConfig& config) : config_(config) {}

  absl::string_view name() const override { return "chain"; }

  Problem sample(Rng& rng, const TraceOptions& options) const override {
    int64_t start = 0;
    std::vector<ChainStep> chain;
    draw_chain(rng, &start, &chain);
    return chain_problem(start, chain, config_.max_value, rng, options);
  }

 private:
  // A start and operations that keep every value in 1..max_value; each step picks an operator
  // among those with a valid operand, then the operand.
  void draw_chain(Rng& rng, int64_t* start, std::vector<ChainStep>* chain) const {
    const int64_t steps = rng.uniform(config_.min_steps, config_.max_steps);
    while (true) {
      *start = rng.uniform(1, config_.max_value);
      chain->clear();
      int64_t value = *start;
      for (int64_t s = 0; s < steps; ++s) {
        std::vector<std::vector<ChainStep>> by_operator;
        for (const char op : {'+', '-', '*', '/'}) {
          std::vector<ChainStep> valid;
          for (int64_t operand = op == '*' || op == '/' ? 2 : 1; operand <= config_.max_operand;
               ++operand) {
            if (apply({op, operand}, value, config_.max_value)) valid.push_back({op, operand});
          }
          if (!valid.empty()) by_operator.push_back(std::move(valid));
        }
        if (by_operator.empty()) break;
        const std::vector<ChainStep>& valid = by_operator[rng.index(by_operator.size())];
        chain->push_back(valid[rng.index(valid.size())]);
        value = *apply(chain->back(), value, config_.max_value);
      }
      if (static_cast<int64_t>(chain->size()) == steps) return;
    }
  }

  ChainConfig config_;
};

}  // namespace

void ChainConfig::visit(ConfigVisitor& v) {
  v.field("min_steps", min_steps, "Fewest operations in a chain.", Range::between(1, 20));
  v.field("max_steps", max_steps, "Most operations in a chain.", Range::between(1, 20));
  v.field("max_value", max_value, "The start and every value along a chain stay in 1..max_value.",
          Range::between(2, 10000));
  v.field("max_operand", max_operand,
          "Operations add, subtract, multiply or divide by a number in 1..max_operand (2.. for "
          "* and /).",
          Range::between(2, 1000));
}

std::unique_ptr<Task> make_chain_task(const ChainConfig& config) {
  return std::make_unique<ChainTask>(config);
}

Problem chain_problem(int64_t start, const std::vector<ChainStep>& steps, int64_t max_value,
                      Rng& rng, const TraceOptions& options) {
  const Run forward = *run_forward(steps, start, max_value);
  const int64_t target = forward.end;
  std::vector<std::string> operations;
  std::vector<std::string> undoing;
  operations.reserve(steps.size());
  undoing.reserve(steps.size());
  for (const ChainStep& step : steps) operations.push_back(text(step.op, step.operand));
  for (size_t i = steps.size(); i-- > 0;) {
    undoing.push_back(text(inverse(steps[i].op), steps[i].operand));
  }
  const std::string statement = absl::StrCat("? ", absl::StrJoin(operations, " "), " -> ", target);
  Problem problem;
  problem.task = "chain";
  problem.level = static_cast<int64_t>(steps.size());
  problem.key = absl::StrCat("chain ", statement);
  problem.prompt = problem.key;
  problem.answer = absl::StrCat(start);
  problem.answer_kind = AnswerKind::kNumber;

  TraceBuilder trace;
  trace.optional(absl::StrCat("goal ", statement));
  for (std::string& guess : bisection_guesses(steps, start, target, max_value)) {
    trace.optional(std::move(guess));
  }
  trace.optional(absl::StrCat("plan ", absl::StrJoin(undoing, " ")));
  int64_t value = target;
  for (size_t i = steps.size(); i-- > 0;) {
    const ChainStep& step = steps[i];
    const int64_t before = undo(step, value);
    trace.core(absl::StrCat(before));
    trace.optional(
        absl::StrCat("check ", value, text(inverse(step.op), step.operand), "=", before));
    trace.optional(absl::StrCat("back ", before, text(step.op, step.operand), "=", value));
    value = before;
  }
  trace.optional(absl::StrCat("verify ", absl::StrJoin(forward.steps, " ")));
  trace.optional(absl::StrCat("so ?=", start));
  Traces traces = trace.build(rng, options, problem.answer);
  problem.long_trace = std::move(traces.long_trace);
  problem.core_trace = std::move(traces.core_trace);
  return problem;
}

}  // namespace terse
