#include "reward/penalty_schedule.h"

#include <algorithm>

namespace terse {

double penalty_scale(const PenaltyScheduleConfig& schedule, int64_t step) {
  if (step < schedule.warmup_steps) return 0.0;
  if (schedule.ramp_steps == 0) return 1.0;
  const double ramped = static_cast<double>(step - schedule.warmup_steps + 1) /
                        static_cast<double>(schedule.ramp_steps);
  return std::min(1.0, ramped);
}

int64_t budget_at(const PenaltyScheduleConfig& schedule, int64_t step, int64_t fallback) {
  int64_t budget = fallback;
  for (size_t i = 0; i < schedule.budgets.size() && i < schedule.budget_steps.size(); ++i) {
    if (schedule.budget_steps[i] <= step) budget = schedule.budgets[i];
  }
  return budget;
}

}  // namespace terse
