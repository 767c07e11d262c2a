// DataConfig from YAML-style overrides, its cross-field checks, and load_split for each source.
#include "data/data_config.h"

#include <string>

#include "core/config_loader.h"
#include "data/dataset.h"
#include "tests/catch.h"

namespace terse {
namespace {

const std::string kSourceDir = TERSE_SOURCE_DIR;

absl::StatusOr<DataConfig> load(std::vector<std::string> overrides) {
  return load_config<DataConfig>(ConfigSources{{}, std::move(overrides)});
}

TEST_CASE("data keys read from overrides", "[data_config]") {
  const auto config = load({"task=countdown", "countdown.numbers=4", "optional_probability=0.25",
                            "jsonl.format=fields", "jsonl.reasoning_field=why"});
  REQUIRE(config.ok());
  CHECK(config->task == "countdown");
  CHECK(config->countdown.numbers == 4);
  CHECK(config->optional_probability == 0.25);
  CHECK(config->jsonl.format == JsonlFormat::kFields);
  CHECK(config->jsonl.reasoning_field == "why");
  CHECK(config->trace_options().optional_probability == 0.25);
}

TEST_CASE("bad data settings name their keys", "[data_config]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"task=sudoku"}, "task"},
      {{"arithmetic.min_digits=4", "arithmetic.max_digits=3"},
       "`data.arithmetic.min_digits` = 4 must not exceed `data.arithmetic.max_digits` = 3"},
      {{"chain.min_steps=5"}, "`data.chain.min_steps` = 5 must not exceed"},
      {{"countdown.max_number=300"}, "`data.countdown.max_number` = 300 must not exceed"},
      {{"test_fraction=1"}, "`data.test_fraction` = 1 must be below 1"},
      {{"test_fraction=0"}, "test_fraction"},
      {{"optional_probability=1.5"}, "optional_probability"},
      {{"task=jsonl"}, "needs `data.jsonl.train_path`"},
  };
  for (const auto& [overrides, expected] : cases) {
    INFO(overrides.front());
    const auto config = load(overrides);
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(config.status().message()), Catch::Contains(expected));
  }
}

TEST_CASE("load_split generates built-in splits and reads JSONL ones", "[data_config]") {
  DataConfig config;
  config.task = "chain";
  config.train_size = 30;
  config.test_size = 10;
  const auto train = load_split(config, Split::kTrain);
  const auto test = load_split(config, Split::kTest);
  REQUIRE(train.ok());
  REQUIRE(test.ok());
  CHECK(train->size() == 30);
  CHECK(test->size() == 10);
  CHECK(train->front().task == "chain");

  config.task = "jsonl";
  config.jsonl.train_path = kSourceDir + "/tests/data/gsm8k/test.jsonl";
  config.train_size = 0;
  const auto all = load_split(config, Split::kTrain);
  REQUIRE(all.ok());
  CHECK(all->size() == 1319);
  config.train_size = 100;
  CHECK(load_split(config, Split::kTrain)->size() == 100);
  CHECK(load_split(config, Split::kTest)->empty());  // no test_path
  config.jsonl.test_path = kSourceDir + "/tests/data/missing.jsonl";
  CHECK(load_split(config, Split::kTest).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace terse
