// Splits: train and test never share a problem, whatever the seeds; draws are deterministic.
#include "data/splits.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "data/data_config.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("the hash partition gives test its share of keys", "[splits]") {
  int test = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) test += split_of(absl::StrCat("key ", i), 0.2) == Split::kTest;
  // Binomial(200000, 0.2): standard deviation 179.
  CHECK(std::abs(test - 0.2 * n) < 1000);
  // A key's split does not change between calls, and a larger fraction only adds test keys.
  for (int i = 0; i < 1000; ++i) {
    const std::string key = absl::StrCat("key ", i);
    CHECK(split_of(key, 0.2) == split_of(key, 0.2));
    if (split_of(key, 0.2) == Split::kTest) CHECK(split_of(key, 0.5) == Split::kTest);
  }
}

TEST_CASE("no test problem is a train problem, across seeds", "[splits]") {
  const DataConfig config;
  for (const std::string& name : task_names()) {
    INFO(name);
    const auto task = *make_task(name, config);
    const int64_t train_count = 5000;
    const auto train = generate_split(*task, Split::kTrain, train_count, 1, 0.2, {0.0, 480});
    const auto test = generate_split(*task, Split::kTest, 1000, 2, 0.2, {0.0, 480});
    REQUIRE(train.ok());
    REQUIRE(test.ok());
    absl::flat_hash_set<std::string> train_keys;
    for (const Problem& p : *train) {
      CHECK(split_of(p.key, 0.2) == Split::kTrain);
      train_keys.insert(p.key);
    }
    CHECK(static_cast<int64_t>(train_keys.size()) == train_count);  // distinct within a split
    int shared = 0;
    for (const Problem& p : *test) shared += train_keys.contains(p.key);
    CHECK(shared == 0);
  }
}

TEST_CASE("keys ignore the order of commutative operands", "[splits]") {
  const DataConfig config;
  const auto task = *make_task("arithmetic", config);
  Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const Problem p = task->sample(rng, config.trace_options());
    const size_t plus = p.prompt.find('+');
    const std::string a = p.prompt.substr(4, plus - 4);
    const std::string b = p.prompt.substr(plus + 1);
    CHECK(p.key == (std::stoll(a) <= std::stoll(b) ? absl::StrCat("add ", a, "+", b)
                                                   : absl::StrCat("add ", b, "+", a)));
  }
}

TEST_CASE("a split is fixed by its seed, and a longer one extends a shorter", "[splits]") {
  const DataConfig config;
  const auto task = *make_task("countdown", config);
  const auto opts = config.trace_options();
  const auto shorter = *generate_split(*task, Split::kTest, 20, 7, 0.2, opts);
  const auto longer = *generate_split(*task, Split::kTest, 50, 7, 0.2, opts);
  const auto other_seed = *generate_split(*task, Split::kTest, 20, 8, 0.2, opts);
  int same_as_other = 0;
  for (size_t i = 0; i < shorter.size(); ++i) {
    CHECK(shorter[i].prompt == longer[i].prompt);
    CHECK(shorter[i].long_trace == longer[i].long_trace);
    same_as_other += shorter[i].prompt == other_seed[i].prompt;
  }
  CHECK(same_as_other < 3);
}

TEST_CASE("asking for more distinct problems than exist fails clearly", "[splits]") {
  DataConfig config;
  config.arithmetic.min_digits = 1;
  config.arithmetic.max_digits = 1;  // 45 different sums of two digits 1..9
  const auto task = *make_task("arithmetic", config);
  const auto enough = generate_split(*task, Split::kTrain, 20, 0, 0.2, config.trace_options());
  CHECK(enough.ok());
  const auto too_many = generate_split(*task, Split::kTrain, 100, 0, 0.2, config.trace_options());
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(too_many.status().message()), Catch::Contains("data.arithmetic.*"));
}

}  // namespace
}  // namespace terse
