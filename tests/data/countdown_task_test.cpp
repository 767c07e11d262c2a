// The countdown family: worked examples from a fixed seed, checked by hand, and properties over
// thousands of problems: the answer uses every number once and equals the target, the solution
// and every dead end replay correctly, and every dead end misses.
#include "data/countdown_task.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "data/data_config.h"
#include "data/splits.h"
#include "tests/catch.h"
#include "tests/data/task_test_util.h"
#include "tests/data/trace_checks.h"

namespace terse {
namespace {

using testing::blocks;
using testing::check_equations;
using testing::ExactEvaluator;
using testing::pieces_of;
using testing::strip_optional;

int64_t to_int(absl::string_view text) {
  int64_t value = 0;
  REQUIRE(absl::SimpleAtoi(text, &value));
  return value;
}

// Replays steps "a+b=r" over the multiset `pool`: each step must take two values the pool holds
// and put back its result. Returns false on a step that uses a value not available.
bool replay(const std::vector<std::string>& steps, std::vector<int64_t>* pool) {
  for (const std::string& step : steps) {
    const size_t op = step.find_first_of("+-*/");
    const size_t eq = step.find('=');
    if (op == std::string::npos || eq == std::string::npos || op > eq) return false;
    for (const int64_t used :
         {to_int(step.substr(0, op)), to_int(step.substr(op + 1, eq - op - 1))}) {
      const auto it = std::find(pool->begin(), pool->end(), used);
      if (it == pool->end()) return false;
      pool->erase(it);
    }
    pool->push_back(to_int(step.substr(eq + 1)));
  }
  return true;
}

TEST_CASE("countdown samples from seed 0, checked by hand", "[countdown]") {
  DataConfig config;
  config.countdown.max_dead_ends = 2;
  const auto task = make_countdown_task(config.countdown);
  const auto problems = generate_split(*task, Split::kTrain, 6, 0, 0.2, {1.0, 480});
  REQUIRE(problems.ok());
  const Problem& first = (*problems)[0];
  CHECK(first.prompt == "countdown 18 12 21 -> 51");
  CHECK(first.key == "countdown 12 18 21 -> 51");
  CHECK(first.numbers == std::vector<int64_t>{18, 12, 21});
  CHECK(first.target == 51);
  CHECK(first.answer_kind == AnswerKind::kExpression);
  // 21+12 = 33, 33+18 = 51; the dead ends 12*(21-18) = 36 and 12-(21-18) = 9 miss 51.
  CHECK(first.core_trace == "21+12=33;33+18=51");
  CHECK(first.answer == "21+12+18");
  CHECK(first.long_trace ==
        "goal 18 12 21 -> 51;try 21-18=3 12*3=36 no;try 21-18=3 12-3=9 no;21+12=33;"
        "check 33-12=21;33+18=51;check 51-18=33;verify 21+12+18=51;used 21 12 18");
  // Parentheses only where precedence needs them.
  CHECK((*problems)[1].prompt == "countdown 1 14 5 -> 19");
  CHECK((*problems)[1].core_trace == "5/1=5;14+5=19");
  CHECK((*problems)[1].answer == "14+5/1");
  CHECK((*problems)[3].prompt == "countdown 8 12 5 -> 156");
  CHECK((*problems)[3].core_trace == "8+5=13;13*12=156");
  CHECK((*problems)[3].answer == "(8+5)*12");
  CHECK((*problems)[5].prompt == "countdown 21 18 24 -> 15");
  CHECK((*problems)[5].core_trace == "24-21=3;18-3=15");
  CHECK((*problems)[5].answer == "18-(24-21)");
}

TEST_CASE("countdown properties over 2000 problems of 3 and 4 numbers", "[countdown]") {
  for (const int64_t count : {3, 4}) {
    DataConfig config;
    config.countdown.numbers = count;
    config.countdown.max_number = count == 3 ? 25 : 30;
    config.countdown.max_value = count == 3 ? 200 : 1000;
    const auto task = make_countdown_task(config.countdown);
    Rng rng(5 + count);
    int dead_ends = 0;
    for (int i = 0; i < 1000; ++i) {
      const Problem p = task->sample(rng, {i % 2 == 0 ? 1.0 : 0.6, 100000});
      INFO(p.prompt << "\n" << p.long_trace << "\n" << p.answer);
      REQUIRE(static_cast<int64_t>(p.numbers.size()) == count);
      CHECK(p.prompt ==
            absl::StrCat("countdown ", absl::StrJoin(p.numbers, " "), " -> ", p.target));
      for (const int64_t n : p.numbers) CHECK((n >= 1 && n <= config.countdown.max_number));

      // The answer equals the target and uses each given number exactly once.
      std::vector<int64_t> leaves;
      CHECK(ExactEvaluator::evaluate(p.answer, &leaves) == p.target);
      std::vector<int64_t> given = p.numbers;
      std::sort(given.begin(), given.end());
      std::sort(leaves.begin(), leaves.end());
      CHECK(leaves == given);

      // The solution's steps combine available values, one fewer each step, down to the target.
      std::vector<int64_t> pool = p.numbers;
      CHECK(replay(pieces_of(p.core_trace), &pool));
      CHECK(pool == std::vector<int64_t>{p.target});
      CHECK(strip_optional(p.long_trace) == p.core_trace);

      // Every dead end is a different complete try that ends elsewhere.
      absl::flat_hash_set<std::string> tries;
      for (const std::string& block : blocks(p.long_trace, "try")) {
        std::vector<std::string> steps = absl::StrSplit(block, ' ');
        REQUIRE(steps.back() == "no");
        steps.pop_back();
        std::vector<int64_t> try_pool = p.numbers;
        CHECK(replay(steps, &try_pool));
        REQUIRE(try_pool.size() == 1);
        CHECK(try_pool.front() != p.target);
        CHECK(try_pool.front() <= config.countdown.max_value);
        CHECK(tries.insert(block).second);
        ++dead_ends;
      }
      for (const std::string& block : blocks(p.long_trace, "used")) {
        std::vector<int64_t> used;
        for (const absl::string_view word : absl::StrSplit(block, ' '))
          used.push_back(to_int(word));
        std::sort(used.begin(), used.end());
        CHECK(used == given);
      }
      for (const std::string& block : blocks(p.long_trace, "verify")) {
        CHECK(block == absl::StrCat(p.answer, "=", p.target));
      }
      CHECK(check_equations(p.long_trace).false_ones.empty());
    }
    CHECK(dead_ends > 1000 * 5);  // real search: many dead ends were checked
  }
}

}  // namespace
}  // namespace terse
