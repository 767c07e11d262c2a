// Learning-rate schedule: linear warm-up, then constant, linear or cosine decay.
#pragma once

#include <cstdint>

namespace terse {

enum class LrSchedule { kConstant, kLinear, kCosine };

struct LrScheduleSpec {
  LrSchedule kind = LrSchedule::kConstant;
  int64_t warmup_steps = 0;  // steps of linear warm-up from 0 to the peak
  int64_t total_steps = 1;   // the run's length; decay ends here
  double min_ratio = 0.0;    // floor of linear and cosine decay, as a fraction of the peak
};

// Multiplier of the peak learning rate at optimisation step `step` (0-based):
// (step + 1) / warmup during warm-up; then 1 (constant), a line from 1 to min_ratio (linear), or
// min_ratio + (1 - min_ratio) * (1 + cos(pi * progress)) / 2 (cosine; Loshchilov & Hutter 2017),
// with progress = (step - warmup) / (total - warmup) clamped to [0, 1].
double lr_multiplier(int64_t step, const LrScheduleSpec& spec);

}  // namespace terse
