#include "reward/reward_config.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/config_loader.h"
#include "tests/catch.h"

namespace terse {
namespace {

absl::StatusOr<RewardConfig> load(std::vector<std::string> overrides) {
  ConfigSources sources;
  sources.overrides = std::move(overrides);
  return load_config<RewardConfig>(sources);
}

void check_error(const std::vector<std::string>& overrides, absl::string_view key) {
  const auto config = load(overrides);
  REQUIRE_FALSE(config.ok());
  INFO(config.status().message());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains(config.status().message(), key));
}

TEST_CASE("reward config keys load into typed fields", "[config]") {
  const auto config =
      load({"verifier=countdown", "countdown.use_all_numbers=false",
            "math.last_number_fallback=false", "format.answer=boxed", "weights.format=0.25",
            "length_penalty.kind=l1_max", "length_penalty.alpha=0.001",
            "length_penalty.unit=thinking", "length_penalty.l1.target_max=2000",
            "length_penalty.cosine.exceed=-5", "length_penalty.schedule.warmup_steps=20"});
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CHECK(config->verifier == VerifierKind::kCountdown);
  CHECK_FALSE(config->countdown.use_all_numbers);
  CHECK_FALSE(config->math.last_number_fallback);
  CHECK(config->format.answer == FormatAnswer::kBoxed);
  CHECK(config->weights.format == 0.25);
  CHECK(config->length_penalty.kind == PenaltyKind::kL1Max);
  CHECK(config->length_penalty.alpha == 0.001);
  CHECK(config->length_penalty.unit == LengthUnit::kThinking);
  CHECK(config->length_penalty.l1.target_max == 2000);
  CHECK(config->length_penalty.cosine.exceed == -5);
  CHECK(config->length_penalty.schedule.warmup_steps == 20);
}

TEST_CASE("every penalty kind has a config spelling", "[config]") {
  std::vector<std::string> names;
  for (const auto& [name, kind] : penalty_kind_names()) {
    names.push_back(name);
    CHECK(std::string(penalty_kind_name(kind)) == name);
  }
  CHECK(names == std::vector<std::string>{"none", "linear", "kimi", "efficient", "l1_exact",
                                          "l1_max", "shorter_better", "lc_r1", "cosine",
                                          "dapo_overlong", "truncate", "alp"});
}

TEST_CASE("reward config errors name their keys", "[config]") {
  check_error({"length_penalty.kind=kimi"}, "`reward.length_penalty.alpha`");
  check_error({"length_penalty.kind=efficient"}, "starting at 0.1");
  check_error({"length_penalty.kind=wordy"}, "length_penalty.kind");
  check_error({"length_penalty.alpha=-1"}, "length_penalty.alpha");
  check_error({"length_penalty.l1.target_min=500", "length_penalty.l1.target_max=400"},
              "`reward.length_penalty.l1.target_min`");
  check_error({"length_penalty.kind=dapo_overlong", "length_penalty.alpha=1",
               "length_penalty.max_length=100", "length_penalty.overlong.cache=100"},
              "`reward.length_penalty.overlong.cache`");
  check_error({"length_penalty.kind=truncate", "length_penalty.schedule.budgets=[100, 50]"},
              "`reward.length_penalty.schedule.budget_steps`");
  check_error({"length_penalty.kind=truncate", "length_penalty.schedule.budgets=[100, 50]",
               "length_penalty.schedule.budget_steps=[1, 5]"},
              "must start at 0");
  check_error({"length_penalty.kind=truncate", "length_penalty.schedule.budgets=[100, 50]",
               "length_penalty.schedule.budget_steps=[0, 0]"},
              "increase strictly");
  check_error({"length_penalty.schedule.budgets=[100]", "length_penalty.schedule.budget_steps=[0]"},
              "only to `kind: truncate`");
  check_error({"weights.accuracy=0", "weights.length=0"}, "`reward.weights.accuracy`");
  const std::vector<std::string> effort = {"length_penalty.kind=l1_exact",
                                           "length_penalty.alpha=0.01", "effort.modes=[a, b]",
                                           "effort.instructions=[x, y]", "effort.budgets=[0, -1]"};
  CHECK(load(effort).ok());
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> words = effort;
    words.insert(words.end(), extra.begin(), extra.end());
    return words;
  };
  check_error(with({"effort.budgets=[0]"}), "`reward.effort.budgets` has 1 entries");
  check_error(with({"effort.weights=[1, 2, 3]"}), "`reward.effort.weights` has 3");
  check_error(with({"effort.parallel=[1]"}), "`reward.effort.parallel`");
  check_error(with({"effort.modes=[a, a]"}), "repeats a name");
  check_error(with({"effort.weights=[0, 0]"}), "are all 0");
  check_error(with({"effort.budgets=[0, -2]"}), "effort.budgets");
  // Penalties without a coefficient need none.
  CHECK(load({"length_penalty.kind=cosine"}).ok());
  CHECK(load({"length_penalty.kind=truncate"}).ok());
  CHECK(load({"length_penalty.kind=none"}).ok());
}

}  // namespace
}  // namespace terse
