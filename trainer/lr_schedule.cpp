#include "trainer/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace terse {

double lr_multiplier(int64_t step, const LrScheduleSpec& spec) {
  if (step < spec.warmup_steps) {
    return static_cast<double>(step + 1) / static_cast<double>(spec.warmup_steps);
  }
  const double span =
      static_cast<double>(std::max<int64_t>(spec.total_steps - spec.warmup_steps, 1));
  const double progress = std::clamp((step - spec.warmup_steps) / span, 0.0, 1.0);
  switch (spec.kind) {
    case LrSchedule::kConstant:
      return 1.0;
    case LrSchedule::kLinear:
      return 1.0 - (1.0 - spec.min_ratio) * progress;
    case LrSchedule::kCosine:
      return spec.min_ratio + (1.0 - spec.min_ratio) * 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return 1.0;
}

}  // namespace terse
