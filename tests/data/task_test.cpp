// What every built-in family promises: the registry, branch points, the length budget, that
// optional blocks really vary, and the long/core length ratio the compression demo relies on.
#include "data/task.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "data/arithmetic_task.h"
#include "data/chain_task.h"
#include "data/completion.h"
#include "data/data_config.h"
#include "data/length_stats.h"
#include "data/splits.h"
#include "tests/catch.h"
#include "tests/data/task_test_util.h"

namespace terse {
namespace {

using testing::keyword_of;
using testing::pieces_of;

TEST_CASE("the registry makes every family by name and rejects others", "[task]") {
  const DataConfig config;
  CHECK(task_names() == std::vector<std::string>{"arithmetic", "countdown", "chain"});
  for (const std::string& name : task_names()) {
    const auto task = make_task(name, config);
    REQUIRE(task.ok());
    CHECK((*task)->name() == name);
  }
  const auto missing = make_task("sudoku", config);
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.status().message()),
             Catch::Contains("arithmetic, countdown, chain"));
}

TEST_CASE("traces branch only where a step ends, and the core is always there", "[task]") {
  const DataConfig config;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    Rng rng(3);
    for (int i = 0; i < 1000; ++i) {
      const Problem p = task->sample(rng, config.trace_options());
      INFO(p.long_trace);
      CHECK(p.task == name);
      CHECK_FALSE(p.core_trace.empty());
      // A core step starts with a digit; an optional block with its keyword and a space.
      std::vector<std::string> core;
      for (const std::string& piece : pieces_of(p.long_trace)) {
        REQUIRE_FALSE(piece.empty());
        if (keyword_of(piece).empty()) {
          CHECK(std::isdigit(static_cast<unsigned char>(piece[0])));
          core.push_back(piece);
        }
      }
      CHECK(absl::StrJoin(core, ";") == p.core_trace);
      for (const std::string& piece : pieces_of(p.core_trace)) CHECK(keyword_of(piece).empty());
      CHECK(count_tokens(long_completion(p)) <= config.max_completion_tokens);
      // No tag text inside a trace or answer: the tags stay single tokens.
      CHECK(p.long_trace.find('<') == std::string::npos);
      CHECK(p.answer.find('<') == std::string::npos);
    }
  }
}

TEST_CASE("each optional block is kept with the optional probability", "[task]") {
  DataConfig config;
  config.optional_probability = 0.3;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    Rng rng(9);
    // How often a `goal` block (one per problem) appears, and blocks per keyword overall.
    int with_goal = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) {
      const Problem p = task->sample(rng, config.trace_options());
      for (const std::string& piece : pieces_of(p.long_trace)) {
        if (keyword_of(piece) == "goal") ++with_goal;
      }
    }
    // Binomial(4000, 0.3): standard deviation 29; allow 5 of them.
    CHECK(std::abs(with_goal - 0.3 * n) < 5 * std::sqrt(n * 0.3 * 0.7));
  }
}

TEST_CASE("optional probability 0 gives the core, 1 keeps every block", "[task]") {
  const DataConfig config;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    Rng none(4);
    Rng all(4);
    for (int i = 0; i < 200; ++i) {
      const Problem bare = task->sample(none, {0.0, 100000});
      CHECK(bare.long_trace == bare.core_trace);
      const Problem full = task->sample(all, {1.0, 100000});
      CHECK(full.long_trace.size() > full.core_trace.size());
      CHECK(keyword_of(pieces_of(full.long_trace).front()) == "goal");
    }
  }
}

TEST_CASE("the same generator state gives the same problem and traces", "[task]") {
  const DataConfig config;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    Rng a(123);
    Rng b(123);
    for (int i = 0; i < 20; ++i) {
      const Problem x = task->sample(a, config.trace_options());
      const Problem y = task->sample(b, config.trace_options());
      CHECK(x.prompt == y.prompt);
      CHECK(x.long_trace == y.long_trace);
      CHECK(x.answer == y.answer);
    }
  }
}

TEST_CASE("one problem gets long traces of widely different lengths", "[task]") {
  const DataConfig config;
  std::vector<size_t> addition;
  std::vector<size_t> chain;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    addition.push_back(addition_problem(472, 389, rng, config.trace_options()).long_trace.size());
    chain.push_back(
        chain_problem(20, {{'-', 5}, {'/', 5}, {'*', 9}, {'+', 2}}, 99, rng, config.trace_options())
            .long_trace.size());
  }
  for (const auto& lengths : {addition, chain}) {
    const auto [shortest, longest] = std::minmax_element(lengths.begin(), lengths.end());
    CHECK(*longest > 3 * *shortest);
    CHECK(absl::flat_hash_set<size_t>(lengths.begin(), lengths.end()).size() > 30);
  }
}

TEST_CASE("default settings: long traces average at least 12 times the core", "[task][stats]") {
  // The compression demo needs >= 10x fewer completion tokens at equal accuracy; the long
  // traces are built so that dropping every optional step gives 12x on average.
  const DataConfig config;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    const auto problems =
        generate_split(*task, Split::kTrain, 2000, 0, config.test_fraction, config.trace_options());
    REQUIRE(problems.ok());
    std::vector<int64_t> long_lengths;
    std::vector<int64_t> core_lengths;
    for (const Problem& p : *problems) {
      long_lengths.push_back(count_tokens(long_completion(p)));
      core_lengths.push_back(count_tokens(core_completion(p)));
    }
    const LengthStats long_stats = summarize_lengths(long_lengths);
    const LengthStats core_stats = summarize_lengths(core_lengths);
    INFO("long mean " << long_stats.mean << ", core mean " << core_stats.mean);
    CHECK(long_stats.mean / core_stats.mean >= 12.0);
    CHECK(long_stats.mean >= 150);
    CHECK(long_stats.mean <= 400);
    // Lengths spread: the 90th percentile is well above the median.
    CHECK(long_stats.p90 > long_stats.p50 * 1.2);
  }
}

}  // namespace
}  // namespace terse
