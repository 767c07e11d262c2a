#include "reward/reward_config.h"

namespace terse {

void LengthPenaltyConfig::visit(ConfigVisitor& v) {
  v.choice("kind", kind,
           {"none", "linear", "kimi", "efficient", "l1_exact", "l1_max", "shorter_better", "lc_r1",
            "cosine", "dapo_overlong", "truncate"},
           "Length penalty family; README section \"Length penalties\" gives each formula.");
  v.field("alpha", alpha, "Penalty coefficient.", Range::at_least(0));
}

void RewardConfig::visit(ConfigVisitor& v) {
  v.choice("verifier", verifier, {"math", "countdown", "exact"},
           "Answer checker that gives the accuracy term.");
  v.section("length_penalty", length_penalty, "Penalty on completion length.");
}

}  // namespace terse
