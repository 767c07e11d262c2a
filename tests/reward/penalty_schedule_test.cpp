#include "reward/penalty_schedule.h"

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("penalty_scale: warm-up, then a linear ramp, then full", "[schedule]") {
  PenaltyScheduleConfig schedule;
  CHECK(penalty_scale(schedule, 0) == 1.0);  // no warm-up, no ramp
  schedule.warmup_steps = 10;
  CHECK(penalty_scale(schedule, 9) == 0.0);
  CHECK(penalty_scale(schedule, 10) == 1.0);
  schedule.ramp_steps = 4;
  // Steps 0-9: 0. Then (step - 10 + 1)/4: 1/4, 2/4, 3/4, 4/4, and 1 from there on.
  CHECK(penalty_scale(schedule, 0) == 0.0);
  CHECK(penalty_scale(schedule, 9) == 0.0);
  CHECK(penalty_scale(schedule, 10) == 0.25);
  CHECK(penalty_scale(schedule, 11) == 0.5);
  CHECK(penalty_scale(schedule, 12) == 0.75);
  CHECK(penalty_scale(schedule, 13) == 1.0);
  CHECK(penalty_scale(schedule, 1000) == 1.0);
}

TEST_CASE("budget_at follows ThinkPrune's shrinking budgets", "[schedule]") {
  PenaltyScheduleConfig schedule;
  CHECK(budget_at(schedule, 7, 512) == 512);  // no budgets: the fallback
  schedule.budgets = {4096, 3072, 2048};
  schedule.budget_steps = {0, 200, 400};
  CHECK(budget_at(schedule, 0, 512) == 4096);
  CHECK(budget_at(schedule, 199, 512) == 4096);
  CHECK(budget_at(schedule, 200, 512) == 3072);
  CHECK(budget_at(schedule, 399, 512) == 3072);
  CHECK(budget_at(schedule, 400, 512) == 2048);
  CHECK(budget_at(schedule, 1000000, 512) == 2048);
}

}  // namespace
}  // namespace terse
