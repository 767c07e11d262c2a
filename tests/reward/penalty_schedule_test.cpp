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

TEST_CASE("the lazy switch opens only while accuracy is not falling", "[schedule]") {
  PenaltyGateConfig gate;
  CHECK(lazy_gate_open(gate, {}));  // window 0: always on
  gate.lazy_window = 4;
  gate.lazy_tolerance = 0.015;
  CHECK_FALSE(lazy_gate_open(gate, {}));               // no history yet
  CHECK_FALSE(lazy_gate_open(gate, {0.5, 0.6, 0.7}));  // three of four steps
  CHECK(lazy_gate_open(gate, {0.5, 0.6, 0.7, 0.8}));   // slope +0.1
  CHECK(lazy_gate_open(gate, {0.8, 0.8, 0.8, 0.8}));   // flat
  // x = 0..3 (mean 1.5), y = 0.80, 0.79, 0.78, 0.77: slope -0.01, within the tolerance.
  CHECK(lazy_gate_open(gate, {0.80, 0.79, 0.78, 0.77}));
  // y = 0.80, 0.78, 0.76, 0.74: slope -0.02, falling.
  CHECK_FALSE(lazy_gate_open(gate, {0.80, 0.78, 0.76, 0.74}));
  // Only the last window counts: an old fall is forgotten.
  CHECK(lazy_gate_open(gate, {0.9, 0.1, 0.5, 0.6, 0.7, 0.8}));
  // Least squares, not the end points: y = 0.9, 0.5, 0.9, 0.8 has end points nearly level but
  // sxy = (-1.5)(0.125) + (-0.5)(-0.275) + (0.5)(0.125) + (1.5)(0.025) = 0.05 > 0: slope +0.01.
  CHECK(lazy_gate_open(gate, {0.9, 0.5, 0.9, 0.8}));
  gate.lazy_window = 1;
  CHECK(lazy_gate_open(gate, {0.2}));
}

}  // namespace
}  // namespace terse
