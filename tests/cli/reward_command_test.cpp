// `terse reward`, the reward playground, on groups whose terms, rewards and advantages are
// worked out by hand below.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/catch.h"
#include "tests/cli/json_lines_run.h"

namespace terse {
namespace {

// linear, alpha 1, L_max 100: the length term is -L/100.
constexpr char kLinear[] =
    "reward reward.length_penalty.kind=linear reward.length_penalty.alpha=1 "
    "reward.length_penalty.max_length=100";

// Group 0: correct at 20 tokens, wrong at 40: rewards 0.8, -0.4, centred +-0.6.
// Group 1: correct at 10 and at 30: rewards 0.9, 0.7, centred +-0.1.
constexpr char kTwoGroups[] =
    R"({"samples": [{"correct": true, "length": 20}, {"correct": false, "length": 40}]})"
    "\n"
    R"({"samples": [{"correct": true, "length": 10}, {"correct": true, "length": 30}], "level": 3})"
    "\n";

void check_numbers(const nlohmann::json& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("sample " << i << " of " << got.dump());
    CHECK(got[i].get<double>() == Approx(want[i]).margin(1e-5));
  }
}

TEST_CASE("terse reward: terms, rewards and GRPO advantages of each group", "[cli]") {
  const Run run = run_terse(kLinear, kTwoGroups);
  INFO(run.stderr_text);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.lines.size() == 2);
  check_numbers(run.lines[0]["accuracy"], {1, 0});
  check_numbers(run.lines[0]["length"], {-0.2, -0.4});
  check_numbers(run.lines[0]["reward"], {0.8, -0.4});
  // Each group's unbiased std of two values d apart is d/sqrt(2): A = +-1/sqrt(2) in both.
  check_numbers(run.lines[0]["advantage"], {0.7071068, -0.7071068});
  check_numbers(run.lines[1]["reward"], {0.9, 0.7});
  check_numbers(run.lines[1]["advantage"], {0.7071068, -0.7071068});
  CHECK(run.lines[1]["level"] == 3);
  CHECK(run.lines[0].count("level") == 0);
}

TEST_CASE("terse reward: batch_std normalises over every line", "[cli]") {
  // Centred values 0.6, -0.6, 0.1, -0.1: sum of squares 0.74, unbiased std sqrt(0.74 / 3) =
  // 0.4966555, so A = +-1.2080808 and +-0.2013468.
  const Run run =
      run_terse(std::string(kLinear) + " trainer.loss.advantage_scale=batch_std", kTwoGroups);
  INFO(run.stderr_text);
  REQUIRE(run.exit_code == 0);
  check_numbers(run.lines[0]["advantage"], {1.2080808, -1.2080808});
  check_numbers(run.lines[1]["advantage"], {0.2013468, -0.2013468});
}

TEST_CASE("terse reward: the gate and ALP", "[cli]") {
  // correct_only: the wrong answer of group 0 keeps reward 0, its length term is dropped.
  Run run =
      run_terse(std::string(kLinear) + " reward.length_penalty.gate.correct_only=true", kTwoGroups);
  INFO(run.stderr_text);
  REQUIRE(run.exit_code == 0);
  check_numbers(run.lines[0]["length"], {-0.2, 0});
  check_numbers(run.lines[0]["reward"], {0.8, 0});
  // Group accuracy floor 0.75: group 0 (0.5) pays nothing, group 1 (1.0) pays.
  run = run_terse(std::string(kLinear) + " reward.length_penalty.gate.min_group_accuracy=0.75",
                  kTwoGroups);
  check_numbers(run.lines[0]["length"], {0, 0});
  check_numbers(run.lines[1]["length"], {-0.1, -0.3});
  // ALP, beta 0.5, N 100: group 0 solve rate 0.5 -> slope 0.0025; group 1 rate 1 -> 0.005.
  run = run_terse(
      "reward reward.length_penalty.kind=alp reward.length_penalty.alpha=0.5 "
      "reward.length_penalty.max_length=100",
      kTwoGroups);
  check_numbers(run.lines[0]["length"], {-0.05, -0.1});
  check_numbers(run.lines[1]["length"], {-0.05, -0.15});
}

TEST_CASE("terse reward: weights scale the terms it prints", "[cli]") {
  const Run run = run_terse(
      std::string(kLinear) + " reward.weights.accuracy=2 reward.weights.length=0.5", kTwoGroups);
  REQUIRE(run.exit_code == 0);
  check_numbers(run.lines[0]["accuracy"], {2, 0});
  check_numbers(run.lines[0]["length"], {-0.1, -0.2});
  check_numbers(run.lines[0]["reward"], {1.9, -0.2});
}

TEST_CASE("terse reward: a bad line exits 2 naming the line", "[cli]") {
  Run run = run_terse(kLinear, R"({"samples": [{"correct": true, "length": 20}]})"
                               "\n"
                               R"({"samples": [{"correct": "yes", "length": 20}]})"
                               "\n");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.stderr_text, Catch::Contains("line 2") && Catch::Contains("\"correct\""));
  CHECK(run.lines.empty());  // nothing is written before the whole batch is read
  run = run_terse(kLinear, "{\"samples\": []}\n");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.stderr_text, Catch::Contains("line 1"));
  run = run_terse(kLinear, "not json\n");
  CHECK(run.exit_code == 2);
  // l1_* penalties need each sample's prompted budget.
  run = run_terse("reward reward.length_penalty.kind=l1_exact reward.length_penalty.alpha=0.01",
                  R"({"samples": [{"correct": true, "length": 20}]})"
                  "\n");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.stderr_text, Catch::Contains("budget"));
  run = run_terse("reward reward.length_penalty.kind=l1_exact reward.length_penalty.alpha=0.01",
                  R"({"samples": [{"correct": true, "length": 20, "budget": 30}]})"
                  "\n");
  REQUIRE(run.exit_code == 0);
  check_numbers(run.lines[0]["length"], {-0.1});  // -0.01 * |30 - 20|
  // PPO's advantages need a critic.
  run = run_terse(std::string(kLinear) + " trainer.algorithm=ppo", kTwoGroups);
  CHECK(run.exit_code == 2);
}

}  // namespace
}  // namespace terse
