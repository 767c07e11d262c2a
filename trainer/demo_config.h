// Settings of `terse demo`'s phases that differ from the RL run's own (trainer.*): the SFT that
// teaches long reasoning, the no-reasoning baseline, and the before/after evaluation.
#pragma once

#include <cstdint>

#include "core/config_visitor.h"

namespace terse {

struct DemoConfig {
  int64_t sft_steps = 300;           // SFT optimiser steps on the long traces
  double sft_lr = 3e-3;              // SFT peak learning rate (cosine decay to a tenth)
  int64_t sft_warmup_steps = 20;     // SFT linear warm-up steps
  int64_t sft_eval_every = 50;       // SFT evaluation period (loss and greedy accuracy)
  int64_t no_reasoning_steps = 600;  // steps of the baseline that answers without reasoning
  double no_reasoning_lr = 6e-3;     // its peak learning rate
  int64_t eval_problems = 200;       // held-out problems of the before/after table (greedy)
  int64_t curve_problems = 32;       // held-out problems decoded at each SFT evaluation

  void visit(ConfigVisitor& v);
};

}  // namespace terse
