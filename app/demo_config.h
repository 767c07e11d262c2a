// Settings of `terse demo`'s phases that differ from the RL run's own (trainer.*): the SFT that
// teaches long reasoning, the no-reasoning baseline, the before/after evaluation, and the
// reasoning-effort modes phase of `terse demo --modes`.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "core/config_visitor.h"
#include "reward/reward_config.h"

namespace terse {

// `terse demo --modes`: from the demo's SFT model, an SFT that teaches every mode of `effort`
// its start (trainer/sft_batch.h sft_completions), then RL with an L1 penalty (L1-Exact or
// L1-Max) scoring each sample against its own request; then every mode and a ladder of numeric
// budgets evaluated on held-out problems.
struct DemoModesConfig {
  int64_t sft_steps = 200;  // effort SFT steps from the demo's SFT model
  double sft_lr = 5e-4;     // its peak learning rate (cosine decay to a tenth)
  int64_t rl_steps = 80;    // RL steps with the mode mixture (trainer.* otherwise)
  PenaltyKind penalty = PenaltyKind::kL1Exact;  // l1_exact (budget as a target) or l1_max (cap)
  double alpha = 0.003;    // L1's α: L1-Exact 1[correct] − α·|budget − L|, L1-Max below
  double delta = 0.5;      // L1-Max's δ: 1[correct] · clip(α·(budget − L) + δ, 0, 1)
  int64_t budget_min = 8;  // numeric budgets drawn for training prompts: budget_min..budget_max
  int64_t budget_max = 48;
  std::vector<int64_t> ladder = {0, 4, 8, 16, 32, 64, 128, 256};  // budgets evaluated
  int64_t eval_problems = 100;  // held-out problems per mode and per ladder budget
  double temperature = 0.8;     // sampling temperature of modes with parallel lines of thought
  EffortConfig effort = default_effort();

  void visit(ConfigVisitor& v);
  absl::Status validate() const;
  // instant (no thinking), thinking (32 tokens), contemplating (no budget, 4 voting lines).
  static EffortConfig default_effort();
};

struct DemoConfig {
  int64_t ranks = 1;              // processes `terse demo` starts itself (outside `terse launch`)
  int64_t sft_steps = 300;        // SFT optimiser steps on the long traces
  double sft_lr = 3e-3;           // SFT peak learning rate (cosine decay to a tenth)
  int64_t sft_warmup_steps = 20;  // SFT linear warm-up steps
  int64_t sft_eval_every = 50;    // SFT evaluation period (loss and greedy accuracy)
  int64_t no_reasoning_steps = 600;  // steps of the baseline that answers without reasoning
  double no_reasoning_lr = 6e-3;     // its peak learning rate
  int64_t eval_problems = 200;       // held-out problems of the before/after table (greedy)
  int64_t curve_problems = 32;       // held-out problems decoded at each SFT evaluation
  bool sft_bf16 = false;             // SFT phases with compute_dtype auto (RL as configured)
  DemoModesConfig modes;

  void visit(ConfigVisitor& v);
};

}  // namespace terse
