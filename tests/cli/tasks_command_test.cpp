// `terse tasks`: sample problems, statistics, splits, config overrides and errors.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::run_command;
using testing::terse_command;

TEST_CASE("tasks prints sample problems with their completions", "[cli][tasks]") {
  const auto result = run_command(terse_command("tasks --task arithmetic -n 2"));
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::StartsWith("[1] add "));
  CHECK_THAT(result.out, Catch::Contains("[2] add "));
  CHECK_THAT(result.out, Catch::Contains("  core   ("));
  CHECK_THAT(result.out, Catch::Contains("tokens)  <think>"));
  CHECK_THAT(result.out, Catch::Contains("  direct ("));
  CHECK_THAT(result.out, !Catch::Contains("[3]"));
  // The same seed prints the same problems; another seed or split others.
  CHECK(run_command(terse_command("tasks --task arithmetic -n 2")).out == result.out);
  CHECK(run_command(terse_command("tasks --task arithmetic -n 2 --seed 1")).out != result.out);
  CHECK(run_command(terse_command("tasks --task arithmetic -n 2 --split test")).out != result.out);
}

TEST_CASE("tasks --stats reports long, core and direct lengths", "[cli][tasks]") {
  const auto result =
      run_command(terse_command("tasks --task chain -n 0 --stats --stats-count 300"));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out,
             Catch::StartsWith("chain: completion tokens over 300 train problems (seed 0, "
                               "optional_probability 0.6)\n"));
  CHECK_THAT(result.out, Catch::Contains("  long  "));
  CHECK_THAT(result.out, Catch::Contains("  core  "));
  CHECK_THAT(result.out, Catch::Contains("long/core (ratio of means)"));
}

TEST_CASE("tasks reads data settings from overrides", "[cli][tasks]") {
  const auto four =
      run_command(terse_command("tasks --task countdown -n 1 data.countdown.numbers=4"));
  REQUIRE(four.exit_code == 0);
  // "[1] countdown a b c d -> t"
  const std::string first_line = four.out.substr(0, four.out.find('\n'));
  CHECK(std::count(first_line.begin(), first_line.end(), ' ') == 7);
  const auto bare =
      run_command(terse_command("tasks --task countdown -n 1 data.optional_probability=0"));
  REQUIRE(bare.exit_code == 0);
  CHECK_THAT(bare.out, !Catch::Contains("try "));
}

TEST_CASE("tasks reports bad input with exit code 2", "[cli][tasks]") {
  const std::pair<std::string, std::string> cases[] = {
      {"tasks --task sudoku", "no built-in task `sudoku`"},
      {"tasks --task jsonl", "needs `data.jsonl.train_path`"},
      {"tasks --split dev", "--split"},
      {"tasks data.arithmetic.min_digits=5", "must not exceed `data.arithmetic.max_digits`"},
      {"tasks --task jsonl data.jsonl.train_path=/no/such.jsonl", "/no/such.jsonl"},
  };
  for (const auto& [args, expected] : cases) {
    INFO(args);
    const auto result = run_command(terse_command(args));
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(expected));
  }
}

}  // namespace
}  // namespace terse
