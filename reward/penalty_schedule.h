// When the length penalty applies and how hard, as pure functions of the training step
// (0-based): a warm-up without it, a linear ramp of its weight, and ThinkPrune's shrinking
// truncation budget.
#pragma once

#include <cstdint>

#include "absl/types/span.h"
#include "reward/reward_config.h"

namespace terse {

// The length term's multiplier at `step`: 0 for the first warmup_steps steps (Kimi k1.5,
// arXiv 2501.12599, §2.3.3: the penalty "may slow down training during the initial phases"),
// then (step − warmup_steps + 1)/ramp_steps until it reaches 1, then 1. For penalties linear
// in their coefficient this is a linear ramp of the coefficient.
double penalty_scale(const PenaltyScheduleConfig& schedule, int64_t step);

// The truncation budget L_k in force at `step`: the last of `budgets` whose start
// (`budget_steps`) is at or before `step` (ThinkPrune, arXiv 2504.01296: iterative rounds with
// tighter limits, e.g. 4k → 3k → 2k); `fallback` when no budgets are set.
int64_t budget_at(const PenaltyScheduleConfig& schedule, int64_t step, int64_t fallback);

// The lazy switch (after the "lazy" length penalty: penalise only while accuracy is stably
// rising): with gate.lazy_window = W > 0, true when `accuracies` (batch accuracies of the steps
// before this one, oldest first) holds at least W values and the least-squares slope of the
// last W is at least −gate.lazy_tolerance. Always true when W is 0.
bool lazy_gate_open(const PenaltyGateConfig& gate, absl::Span<const double> accuracies);

}  // namespace terse
