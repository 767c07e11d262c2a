// The chain family: a hand-worked trace and properties over thousands of problems: the answer
// runs forward to the target, the core undoes the steps, the guesses are on the right side.
#include "data/chain_task.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "data/data_config.h"
#include "tests/catch.h"
#include "tests/data/task_test_util.h"
#include "tests/data/trace_checks.h"

namespace terse {
namespace {

using testing::blocks;
using testing::check_equations;
using testing::strip_optional;

int64_t to_int(absl::string_view text) {
  int64_t value = 0;
  REQUIRE(absl::SimpleAtoi(text, &value));
  return value;
}

TEST_CASE("chain ? -5 /5 *9 +2 -> 29 by hand", "[chain]") {
  Rng rng(1);
  const Problem p =
      chain_problem(20, {{'-', 5}, {'/', 5}, {'*', 9}, {'+', 2}}, 99, rng, {1.0, 100000});
  CHECK(p.prompt == "chain ? -5 /5 *9 +2 -> 29");
  CHECK(p.answer == "20");
  // Undoing from the end: 29-2 = 27, 27/9 = 3, 3*5 = 15, 15+5 = 20.
  CHECK(p.core_trace == "27;3;15;20");
  // Valid starts are 5k+5 for k = 1..10 (10, 15, ..., 55: (x-5)/5*9+2 <= 99). Bisection over
  // those 10 tries the 6th, 35 (which ends at 56 > 29: high), then the 3rd, 20: the answer.
  CHECK(p.long_trace ==
        "goal ? -5 /5 *9 +2 -> 29;try 35 35-5=30 30/5=6 6*9=54 54+2=56 high;plan -2 /9 *5 +5;"
        "27;check 29-2=27;back 27+2=29;3;check 27/9=3;back 3*9=27;"
        "15;check 3*5=15;back 15/5=3;20;check 15+5=20;back 20-5=15;"
        "verify 20-5=15 15/5=3 3*9=27 27+2=29;so ?=20");
}

// The value after one "+3"-style operation, or nullopt when it leaves 1..max or is not exact.
std::optional<int64_t> apply(absl::string_view op, int64_t value, int64_t max_value) {
  const int64_t k = to_int(op.substr(1));
  int64_t out = 0;
  switch (op[0]) {
    case '+':
      out = value + k;
      break;
    case '-':
      out = value - k;
      break;
    case '*':
      out = value * k;
      break;
    case '/':
      if (value % k != 0) return std::nullopt;
      out = value / k;
      break;
    default:
      FAIL("unknown operation " << op);
  }
  if (out < 1 || out > max_value) return std::nullopt;
  return out;
}

TEST_CASE("chain properties over 3000 problems", "[chain]") {
  DataConfig config;
  config.chain.min_steps = 1;
  config.chain.max_steps = 6;
  const int64_t max_value = config.chain.max_value;
  const auto task = make_chain_task(config.chain);
  Rng rng(17);
  int guesses = 0;
  for (int i = 0; i < 3000; ++i) {
    const Problem p = task->sample(rng, {i % 2 == 0 ? 1.0 : 0.6, 100000});
    INFO(p.prompt << "\n" << p.long_trace);
    // "chain ? +3 *4 -5 -> 63"
    std::vector<std::string> words = absl::StrSplit(p.prompt, ' ');
    REQUIRE(words.size() >= 5);
    REQUIRE(words[1] == "?");
    const int64_t target = to_int(words.back());
    const std::vector<std::string> ops(words.begin() + 2, words.end() - 2);
    CHECK(ops.size() >= 1);
    CHECK(ops.size() <= 6);

    // The answer runs forward to the target, every value in range.
    const int64_t start = to_int(p.answer);
    std::optional<int64_t> value = start;
    std::vector<int64_t> values = {start};
    for (const std::string& op : ops) {
      REQUIRE(value);
      value = apply(op, *value, max_value);
      if (value) values.push_back(*value);
    }
    CHECK(value == target);
    // The core lists the values before each operation, from the last operation back.
    std::vector<int64_t> undone(values.rbegin() + 1, values.rend());
    CHECK(p.core_trace == absl::StrJoin(undone, ";"));
    CHECK(strip_optional(p.long_trace) == p.core_trace);
    CHECK(check_equations(p.long_trace).false_ones.empty());

    // A guess reports where its chain ends against the target, and is not the answer.
    for (const std::string& block : blocks(p.long_trace, "try")) {
      const std::vector<std::string> parts = absl::StrSplit(block, ' ');
      const int64_t guess = to_int(parts.front());
      CHECK(guess != start);
      std::optional<int64_t> end = guess;
      for (const std::string& op : ops) end = end ? apply(op, *end, max_value) : std::nullopt;
      REQUIRE(end);
      CHECK(parts.back() == (*end > target ? "high" : "low"));
      CHECK((*end > target) == (guess > start));  // chains increase with their start
      ++guesses;
    }
  }
  CHECK(guesses > 3000);
}

}  // namespace
}  // namespace terse
