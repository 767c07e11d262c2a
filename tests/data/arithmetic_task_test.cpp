// The arithmetic family: hand-worked traces, and properties over thousands of problems: every
// equation true, the core reconstructs the sum, the checks check the right numbers.
#include "data/arithmetic_task.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "data/completion.h"
#include "data/data_config.h"
#include "tests/catch.h"
#include "tests/data/task_test_util.h"
#include "tests/data/trace_checks.h"

namespace terse {
namespace {

using testing::blocks;
using testing::check_equations;
using testing::strip_optional;

TraceOptions keep_all() { return {1.0, 100000}; }

int64_t to_int(absl::string_view text) {
  int64_t value = 0;
  REQUIRE(absl::SimpleAtoi(text, &value));
  return value;
}

TEST_CASE("472+389 by hand: every optional block kept", "[arithmetic]") {
  Rng rng(1);
  const Problem p = addition_problem(472, 389, rng, keep_all());
  CHECK(p.prompt == "add 472+389");
  CHECK(p.key == "add 389+472");
  CHECK(p.answer == "861");
  CHECK(p.answer_kind == AnswerKind::kNumber);
  // Columns, units first: 2+9 = 11 (carry 1), 7+8+1 = 16 (carry 1), 4+3+1 = 8: 861.
  CHECK(p.core_trace == "11;16;8");
  CHECK(p.long_trace ==
        "goal 472+389;about 470+390=860;"
        "11;check 2+9=11;back 11-9=2;"
        "16;check 7+8+1=16;back 16-8-1=7;"
        "8;check 4+3+1=8;back 8-3-1=4;"
        // 861-389: 1-9 borrows (11-9=2), 6-8-1 borrows (16-8-1=7), 8-3-1=4.
        "verify 861-389 11-9=2 16-8-1=7 8-3-1=4 =472;"
        "verify 861-472 11-2=9 16-7-1=8 8-4-1=3 =389;"
        "redo 389+472 9+2=11 8+7+1=16 3+4+1=8;"
        "split 400+300=700 70+80=150 2+9=11 700+150+11=861;"
        "so 472+389=861");
  CHECK(core_completion(p) == "<think>11;16;8</think><answer>861</answer>");
  CHECK(count_tokens(core_completion(p)) == 7 + 3 + 4);
  CHECK(direct_completion(p) == "<think></think><answer>861</answer>");
}

TEST_CASE("1705+98 by hand: uneven lengths, carries into a copied column", "[arithmetic]") {
  Rng rng(1);
  const Problem p = addition_problem(1705, 98, rng, keep_all());
  // 5+8=13, 0+9+1=10, 7+1=8, then the 1 is copied down: 1803.
  CHECK(p.answer == "1803");
  CHECK(p.core_trace == "13;10;8;1");
  CHECK(p.long_trace ==
        "goal 1705+98;about 1710+100=1810;"
        "13;check 5+8=13;back 13-8=5;"
        "10;check 0+9+1=10;back 10-9-1=0;"
        "8;check 7+1=8;back 8-1=7;"
        "1;"
        // 1803-98: 13-8=5 (borrow), 10-9-1=0 (borrow), the 8 pays the borrow, the 1 is copied.
        "verify 1803-98 13-8=5 10-9-1=0 8-1=7 1 =1705;"
        "verify 1803-1705 13-5=8 10-0-1=9 8-7-1=0 1-1=0 =98;"
        "redo 98+1705 8+5=13 9+0+1=10 7+1=8 1;"
        "split 0+90=90 5+8=13 1000+700+90+13=1803;"
        "so 1705+98=1803");
}

TEST_CASE("without optional steps the long trace is the core", "[arithmetic]") {
  Rng rng(3);
  const Problem p = addition_problem(99, 1, rng, {0.0, 480});
  // 9+1 = 10, then 9+1 = 10 again: 100.
  CHECK(p.long_trace == "10;10");
  CHECK(p.core_trace == "10;10");
  CHECK(p.answer == "100");
}

// The column sums of a + b, units first, computed here independently of the task.
std::vector<int64_t> column_sums(int64_t a, int64_t b) {
  std::vector<int64_t> sums;
  int64_t carry = 0;
  while (a > 0 || b > 0) {
    const int64_t s = a % 10 + b % 10 + carry;
    sums.push_back(s);
    carry = s / 10;
    a /= 10;
    b /= 10;
  }
  return sums;
}

TEST_CASE("arithmetic properties over 3000 problems", "[arithmetic]") {
  DataConfig config;
  config.arithmetic.min_digits = 1;
  config.arithmetic.max_digits = 6;
  const auto task = make_arithmetic_task(config.arithmetic);
  Rng rng(11);
  int equations = 0;
  for (int i = 0; i < 3000; ++i) {
    const Problem p = task->sample(rng, {i % 2 == 0 ? 1.0 : 0.6, 100000});
    INFO(p.prompt << "\n" << p.long_trace);
    const std::vector<std::string> operands = absl::StrSplit(p.prompt.substr(4), '+');
    REQUIRE(operands.size() == 2);
    const int64_t a = to_int(operands[0]);
    const int64_t b = to_int(operands[1]);
    REQUIRE(a >= 1);
    REQUIRE(a < 1000000);
    CHECK(to_int(p.answer) == a + b);
    // The core is the column sums, and they spell the answer: the last sum whole, then the
    // units digit of each earlier sum.
    const std::vector<int64_t> sums = column_sums(a, b);
    CHECK(p.core_trace == absl::StrJoin(sums, ";"));
    std::string spelled = absl::StrCat(sums.back());
    for (size_t j = sums.size() - 1; j-- > 0;) absl::StrAppend(&spelled, sums[j] % 10);
    CHECK(spelled == p.answer);
    CHECK(strip_optional(p.long_trace) == p.core_trace);

    const auto report = check_equations(p.long_trace);
    CHECK(report.false_ones.empty());
    equations += report.checked;
    // Each verification subtracts one addend from the sum and lands on the other.
    for (const std::string& block : blocks(p.long_trace, "verify")) {
      const std::vector<std::string> words = absl::StrSplit(block, ' ');
      const std::vector<std::string> sides = absl::StrSplit(words.front(), '-');
      REQUIRE(sides.size() == 2);
      CHECK(to_int(sides[0]) == a + b);
      const int64_t subtracted = to_int(sides[1]);
      const int64_t rest = to_int(absl::string_view(words.back()).substr(1));
      CHECK(subtracted + rest == a + b);
      CHECK(((subtracted == a && rest == b) || (subtracted == b && rest == a)));
    }
    for (const std::string& block : blocks(p.long_trace, "redo")) {
      CHECK(block.substr(0, block.find(' ')) == absl::StrCat(b, "+", a));
    }
    for (const std::string& block : blocks(p.long_trace, "split")) {
      CHECK(absl::EndsWith(block, absl::StrCat("=", a + b)));
    }
    for (const std::string& block : blocks(p.long_trace, "goal")) {
      CHECK(block == absl::StrCat(a, "+", b));
    }
  }
  CHECK(equations > 3000 * 10);  // the check above really checked something
}

}  // namespace
}  // namespace terse
