#include "reward/length_target.h"

#include <algorithm>
#include <array>

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("l1 targets are uniform over [target_min, target_max] and reproducible", "[l1]") {
  const L1Config config;  // 100 .. 4000, the paper's range
  constexpr int kPrompts = 20000;
  std::array<int, 10> bins{};  // ten bins of 390 values each (the last also holds 4000)
  double sum = 0;
  for (int key = 0; key < kPrompts; ++key) {
    const int64_t n = l1_target_length(config, 7, key);
    REQUIRE(n >= 100);
    REQUIRE(n <= 4000);
    CHECK(n == l1_target_length(config, 7, key));  // a pure function
    bins[std::min<size_t>(static_cast<size_t>((n - 100) / 390), bins.size() - 1)] += 1;
    sum += static_cast<double>(n);
  }
  // Uniform on 100..4000 has mean 2050; each bin expects 2000 of the 20000 draws (a binomial
  // with standard deviation about 42), so 1800..2200 is a margin of nearly five deviations.
  CHECK(sum / kPrompts == Approx(2050).epsilon(0.02));
  for (int count : bins) CHECK((count > 1800 && count < 2200));
  // Another seed gives other targets.
  int same = 0;
  for (int key = 0; key < 100; ++key) {
    same += l1_target_length(config, 7, key) == l1_target_length(config, 8, key) ? 1 : 0;
  }
  CHECK(same < 5);
  // A one-point range has one target.
  CHECK(l1_target_length(L1Config{256, 256, 0.5}, 1, 2) == 256);
}

TEST_CASE("the L1 prompt instruction", "[l1]") {
  CHECK(with_length_instruction("What is 2 + 2?", 512) ==
        "What is 2 + 2?\n\nThink for 512 tokens.");
  CHECK(uses_length_target(PenaltyKind::kL1Exact));
  CHECK(uses_length_target(PenaltyKind::kL1Max));
  CHECK_FALSE(uses_length_target(PenaltyKind::kKimi));
}

RewardConfig effort_config() {
  RewardConfig config;
  config.length_penalty.kind = PenaltyKind::kL1Exact;
  config.length_penalty.l1 = L1Config{8, 128, 0.5};
  config.effort.modes = {"instant", "thinking", "contemplating"};
  config.effort.instructions = {"Answer at once.", "Think briefly.", "Think carefully."};
  config.effort.budgets = {0, 32, -1};
  config.effort.weights = {1, 2, 1};
  config.effort.budget_weight = 1;
  return config;
}

TEST_CASE("effort requests follow the mixture's weights and are reproducible", "[effort]") {
  const RewardConfig config = effort_config();
  REQUIRE(config.effort.validate().ok());
  constexpr int kPrompts = 5000;
  std::array<int, 4> counts{};  // instant, thinking, contemplating, numeric
  for (int key = 0; key < kPrompts; ++key) {
    const EffortRequest r = draw_effort_request(config, 3, key);
    CHECK(r.mode == draw_effort_request(config, 3, key).mode);  // a pure function
    if (r.mode >= 0) {
      CHECK(r.budget == config.effort.budgets[static_cast<size_t>(r.mode)]);
      counts[static_cast<size_t>(r.mode)] += 1;
    } else {
      CHECK((r.budget >= 8 && r.budget <= 128));
      CHECK(r.budget == l1_target_length(config.length_penalty.l1, 3, key));
      counts[3] += 1;
    }
  }
  // Shares 1/5, 2/5, 1/5, 1/5 of 5000: 1000 (sd 28), 2000 (sd 35): five deviations of margin.
  CHECK((counts[0] > 860 && counts[0] < 1140));
  CHECK((counts[1] > 1825 && counts[1] < 2175));
  CHECK((counts[2] > 860 && counts[2] < 1140));
  CHECK((counts[3] > 860 && counts[3] < 1140));
  // Without modes every request is the L1 target: L1 runs ask what they asked before modes.
  RewardConfig l1_only;
  l1_only.length_penalty.l1 = L1Config{8, 128, 0.5};
  for (int key = 0; key < 100; ++key) {
    const EffortRequest r = draw_effort_request(l1_only, 3, key);
    CHECK(r.mode == -1);
    CHECK(r.budget == l1_target_length(l1_only.length_penalty.l1, 3, key));
  }
  // Without numeric budgets every prompt gets a mode; a zero weight is never drawn.
  RewardConfig modes_only = config;
  modes_only.effort.budget_weight = 0;
  modes_only.effort.weights = {1, 0, 1};
  for (int key = 0; key < 1000; ++key) {
    const EffortRequest r = draw_effort_request(modes_only, 3, key);
    CHECK((r.mode == 0 || r.mode == 2));
  }
}

TEST_CASE("effort instructions in the prompt", "[effort]") {
  const RewardConfig config = effort_config();
  CHECK(with_effort_instruction("What is 2 + 2?", config.effort, {0, 0}) ==
        "What is 2 + 2?\n\nAnswer at once.");
  CHECK(with_effort_instruction("What is 2 + 2?", config.effort, {2, -1}) ==
        "What is 2 + 2?\n\nThink carefully.");
  CHECK(with_effort_instruction("What is 2 + 2?", config.effort, {-1, 40}) ==
        "What is 2 + 2?\n\nThink for 40 tokens.");
  CHECK(config.effort.find("thinking") == 1);
  CHECK(config.effort.find("deep") == -1);
}

}  // namespace
}  // namespace terse
