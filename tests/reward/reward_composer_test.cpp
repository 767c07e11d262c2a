#include "reward/reward_composer.h"

#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

RewardSample sample(int64_t group, bool correct, bool format_ok, int64_t tokens) {
  RewardSample s;
  s.group_id = group;
  s.correct = correct;
  s.format_ok = format_ok;
  s.completion_tokens = tokens;
  s.think_tokens = tokens;
  return s;
}

RewardComposer composer(const RewardConfig& config, int64_t max_new_tokens = 100) {
  auto made = RewardComposer::create(config, max_new_tokens);
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  return *std::move(made);
}

RewardConfig kimi_config() {
  RewardConfig config;
  config.weights.format = 0.5;
  config.length_penalty.kind = PenaltyKind::kKimi;
  config.length_penalty.alpha = 1.0;
  return config;
}

// Two groups, interleaved. Group 7 has lengths 10 (correct), 50 (wrong), 30 (correct): range
// 40, lambda 0.5, -0.5, 0, so kimi terms +0.5, min(0, -0.5) = -0.5, 0. Group 3 has 40 (wrong),
// 20 (correct): range 20, lambda -0.5, 0.5, so terms -0.5, +0.5.
const std::vector<RewardSample> kBatch = {sample(7, true, true, 10), sample(3, false, false, 40),
                                          sample(7, false, true, 50), sample(3, true, true, 20),
                                          sample(7, true, false, 30)};

TEST_CASE("the composer sums weighted terms within groups", "[composer]") {
  const std::vector<RewardBreakdown> b = composer(kimi_config()).score(kBatch, 0);
  REQUIRE(b.size() == 5);
  // total = 1 * accuracy + 0.5 * format + 1 * length.
  const double want_length[] = {0.5, -0.5, -0.5, 0.5, 0.0};
  const double want_total[] = {1 + 0.5 + 0.5, 0 + 0 - 0.5, 0 + 0.5 - 0.5, 1 + 0.5 + 0.5, 1 + 0 + 0};
  for (size_t i = 0; i < b.size(); ++i) {
    INFO("sample " << i);
    CHECK(b[i].accuracy == (kBatch[i].correct ? 1.0 : 0.0));
    CHECK(b[i].format == (kBatch[i].format_ok ? 1.0 : 0.0));
    CHECK(b[i].length == Approx(want_length[i]));
    CHECK(b[i].total == Approx(want_total[i]));
  }
}

TEST_CASE("the schedule scales the length term by step", "[composer]") {
  RewardConfig config = kimi_config();
  config.length_penalty.schedule.warmup_steps = 10;
  config.length_penalty.schedule.ramp_steps = 2;
  const RewardComposer c = composer(config);
  // Warm-up: no length term, total = accuracy + 0.5 * format.
  const std::vector<RewardBreakdown> warm = c.score(kBatch, 9);
  CHECK(warm[0].length == 0.0);
  CHECK(warm[0].total == Approx(1.5));
  CHECK(warm[1].total == Approx(0.0));
  // Step 10: half of the term (1/2 of the ramp); step 11 on: all of it.
  CHECK(c.score(kBatch, 10)[0].length == Approx(0.25));
  CHECK(c.score(kBatch, 10)[0].total == Approx(1.75));
  CHECK(c.score(kBatch, 11)[0].total == Approx(2.0));
}

TEST_CASE("the length unit chooses completion or thinking tokens", "[composer]") {
  RewardConfig config;
  config.length_penalty.kind = PenaltyKind::kLinear;
  config.length_penalty.alpha = 0.5;
  RewardSample s = sample(0, true, true, 90);
  s.think_tokens = 20;
  // L_max = max_new_tokens = 100. Completion: -0.5 * 90/100 = -0.45.
  CHECK(composer(config).score({s}, 0)[0].length == Approx(-0.45));
  // Thinking: -0.5 * 20/100 = -0.1.
  config.length_penalty.unit = LengthUnit::kThinking;
  CHECK(composer(config).score({s}, 0)[0].length == Approx(-0.1));
  // An explicit max_length wins over max_new_tokens: -0.5 * 20/40 = -0.25.
  config.length_penalty.max_length = 40;
  CHECK(composer(config).max_length() == 40);
  CHECK(composer(config).score({s}, 0)[0].length == Approx(-0.25));
}

TEST_CASE("truncate follows the budget in force, l1 the sample's target", "[composer]") {
  RewardConfig config;
  config.length_penalty.kind = PenaltyKind::kTruncate;
  config.length_penalty.schedule.budgets = {50, 20};
  config.length_penalty.schedule.budget_steps = {0, 5};
  const RewardSample s = sample(0, true, true, 30);
  CHECK(composer(config).score({s}, 4)[0].total == 1.0);  // 30 <= 50
  CHECK(composer(config).score({s}, 5)[0].total == 0.0);  // 30 > 20
  config = RewardConfig{};
  config.length_penalty.kind = PenaltyKind::kL1Exact;
  config.length_penalty.alpha = 0.001;
  RewardSample target = sample(0, true, true, 800);
  target.target_tokens = 1000;
  CHECK(composer(config).score({target}, 0)[0].total == Approx(0.8));  // 1 - 0.001 * 200
}

TEST_CASE("a request for no thinking is met only by an empty thinking span", "[composer]") {
  RewardConfig config;
  config.length_penalty.kind = PenaltyKind::kL1Exact;
  config.length_penalty.alpha = 0.01;
  config.length_penalty.unit = LengthUnit::kThinking;
  RewardSample silent = sample(0, true, true, 6);  // "Answer at once.": target 0
  silent.think_tokens = 0;
  RewardSample thinker = sample(0, true, true, 36);
  thinker.think_tokens = 30;
  RewardSample asked = thinker;  // the same answer under a budget of 30
  asked.target_tokens = 30;
  const std::vector<RewardBreakdown> b = composer(config).score({silent, thinker, asked}, 0);
  CHECK(b[0].accuracy == 1.0);
  CHECK(b[0].total == Approx(1.0));
  CHECK(b[1].accuracy == 0.0);        // correct, but it thought
  CHECK(b[1].total == Approx(-0.3));  // 0 - 0.01 * |0 - 30|
  CHECK(b[2].accuracy == 1.0);
  CHECK(b[2].total == Approx(1.0));
  // Without an l1_* penalty a target of 0 means no request at all.
  config.length_penalty.kind = PenaltyKind::kNone;
  CHECK(composer(config).score({thinker}, 0)[0].accuracy == 1.0);
}

TEST_CASE("the composer refuses configs it cannot honour", "[composer]") {
  RewardConfig config;
  config.length_penalty.kind = PenaltyKind::kLinear;
  config.length_penalty.alpha = 0.1;
  auto no_length = RewardComposer::create(config, 0);
  REQUIRE_FALSE(no_length.ok());
  CHECK(std::string(no_length.status().message()).find("rollout.max_new_tokens") !=
        std::string::npos);
  config.length_penalty.kind = PenaltyKind::kDapoOverlong;
  config.length_penalty.overlong.cache = 100;
  auto cache = RewardComposer::create(config, 100);
  REQUIRE_FALSE(cache.ok());
  CHECK(std::string(cache.status().message()).find("reward.length_penalty.overlong.cache") !=
        std::string::npos);
  config.length_penalty.alpha = 0;
  CHECK(RewardComposer::create(config, 1000).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("an empty batch scores to nothing", "[composer]") {
  CHECK(composer(kimi_config()).score({}, 0).empty());
}

}  // namespace
}  // namespace terse
