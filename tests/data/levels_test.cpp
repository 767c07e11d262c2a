// Difficulty levels: what each family records as a problem's level, the seeded mixture of
// `data.levels`, traces that grow with the level, and the checks on the keys.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "data/data_config.h"
#include "data/rng.h"
#include "data/splits.h"
#include "data/task.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("each family records its level in its own measure", "[levels]") {
  DataConfig config;
  config.arithmetic.min_digits = 1;
  config.arithmetic.max_digits = 4;
  config.countdown.numbers = 4;
  config.chain.min_steps = 2;
  config.chain.max_steps = 5;
  Rng rng(7);
  for (int i = 0; i < 300; ++i) {
    const Problem add = (*make_task("arithmetic", config))->sample(rng, config.trace_options());
    // "add a+b" with a <= b: the level is the digits of b.
    const std::string larger = add.key.substr(add.key.find('+') + 1);
    CHECK(add.level == static_cast<int64_t>(larger.size()));
    const Problem count = (*make_task("countdown", config))->sample(rng, config.trace_options());
    CHECK(count.level == 4);
    const Problem chain = (*make_task("chain", config))->sample(rng, config.trace_options());
    // "chain ? +3 *4 -5 -> 63": one operation per word between `?` and `->`.
    const size_t ops = std::count(chain.prompt.begin(), chain.prompt.end(), ' ') - 3;
    CHECK(chain.level == static_cast<int64_t>(ops));
    CHECK((chain.level >= 2 && chain.level <= 5));
  }
}

TEST_CASE("data.levels draws each level with its weight, reproducibly", "[levels]") {
  DataConfig config;
  config.arithmetic.min_digits = 2;  // overridden by the levels
  config.arithmetic.max_digits = 2;
  config.levels = {1, 3};
  config.level_weights = {1, 3};
  REQUIRE(config.validate().ok());
  const auto task = *make_task("arithmetic", config);
  Rng rng(11);
  std::map<int64_t, int> counts;
  std::map<int64_t, double> trace_chars;
  const int draws = 4000;
  for (int i = 0; i < draws; ++i) {
    const Problem p = task->sample(rng, config.trace_options());
    ++counts[p.level];
    trace_chars[p.level] += static_cast<double>(p.long_trace.size());
    if (p.level == 3) CHECK(p.key.size() == std::string("add 100+100").size());
  }
  REQUIRE(counts.size() == 2);  // only the configured levels
  // Level 3 has weight 3/4: 3000 expected, binomial std ~27.
  CHECK(counts[3] == Approx(3000).margin(120));
  // Long traces grow with the level: three columns take more words than one.
  CHECK(trace_chars[3] / counts[3] > 1.8 * trace_chars[1] / counts[1]);
  // The same seed gives the same problems.
  Rng a(5), b(5);
  for (int i = 0; i < 50; ++i) {
    CHECK(task->sample(a, config.trace_options()).key ==
          task->sample(b, config.trace_options()).key);
  }
  // Equal weights when none are given: countdown with 3 and 5 numbers.
  config.task = "countdown";
  config.levels = {3, 5};
  config.level_weights.clear();
  const auto countdown = *make_task("countdown", config);
  int five = 0;
  for (int i = 0; i < 1000; ++i) five += countdown->sample(rng, config.trace_options()).level == 5;
  CHECK(five == Approx(500).margin(60));
}

TEST_CASE("a split of mixed levels keeps its problems distinct", "[levels]") {
  DataConfig config;
  config.task = "chain";
  config.levels = {2, 3, 4};
  const auto task = *make_task("chain", config);
  const auto problems = generate_split(*task, Split::kTrain, 600, 0, 0.2, config.trace_options());
  REQUIRE(problems.ok());
  std::map<int64_t, int> counts;
  for (const Problem& p : *problems) ++counts[p.level];
  CHECK(counts.size() == 3);
  for (const auto& [level, n] : counts) CHECK(n > 150);
}

TEST_CASE("bad level settings name the key", "[levels]") {
  DataConfig config;
  config.levels = {1, 16};
  CHECK_THAT(std::string(config.validate().message()),
             Catch::Contains("data.levels[1]") && Catch::Contains("1 to 15"));
  config.levels = {2, 2};
  CHECK_THAT(std::string(config.validate().message()), Catch::Contains("twice"));
  config.levels = {1, 2};
  config.level_weights = {1};
  CHECK_THAT(std::string(config.validate().message()), Catch::Contains("data.level_weights"));
  config.level_weights = {0, 0};
  CHECK_THAT(std::string(config.validate().message()), Catch::Contains("all 0"));
  config.level_weights = {0, 1};
  CHECK(config.validate().ok());
  config.task = "countdown";
  config.levels = {7};
  config.level_weights.clear();
  CHECK_THAT(std::string(config.validate().message()), Catch::Contains("numbers given: 2 to 6"));
  config.task = "jsonl";
  config.levels = {1};
  CHECK_THAT(std::string(config.validate().message()), Catch::Contains("\"level\""));
}

TEST_CASE("weighted_index follows the weights and skips zero weights", "[levels]") {
  Rng rng(1);
  int hits[3] = {0, 0, 0};
  for (int i = 0; i < 6000; ++i) ++hits[rng.weighted_index({1, 0, 2})];
  CHECK(hits[1] == 0);
  CHECK(hits[0] == Approx(2000).margin(150));
  CHECK(hits[2] == Approx(4000).margin(150));
}

}  // namespace
}  // namespace terse
