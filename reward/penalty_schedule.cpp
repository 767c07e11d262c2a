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

bool lazy_gate_open(const PenaltyGateConfig& gate, absl::Span<const double> accuracies) {
  const int64_t w = gate.lazy_window;
  if (w == 0) return true;
  if (static_cast<int64_t>(accuracies.size()) < w) return false;
  if (w == 1) return true;  // one point has no slope
  const absl::Span<const double> last = accuracies.subspan(accuracies.size() - w);
  const double x_mean = static_cast<double>(w - 1) / 2.0;
  double y_mean = 0;
  for (double y : last) y_mean += y;
  y_mean /= static_cast<double>(w);
  double sxy = 0, sxx = 0;
  for (int64_t i = 0; i < w; ++i) {
    const double dx = static_cast<double>(i) - x_mean;
    sxy += dx * (last[i] - y_mean);
    sxx += dx * dx;
  }
  return sxy / sxx >= -gate.lazy_tolerance;
}

}  // namespace terse
