// Optimisation settings of the RL (and SFT) trainer.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "core/config_visitor.h"

namespace terse {

enum class Algorithm { kGrpo, kPpo };

struct TrainerConfig {
  Algorithm algorithm = Algorithm::kGrpo;  // policy-gradient family
  int64_t steps = 100;                     // optimisation steps (one rollout batch each)
  int64_t batch_prompts = 16;              // prompts per rollout batch (x group size samples)
  double lr = 1e-5;                        // peak AdamW learning rate
  int64_t warmup_steps = 0;                // linear warm-up steps before the peak rate
  double max_grad_norm = 1.0;              // global gradient-norm clip; 0 disables it
  int64_t save_every = 50;                 // checkpoint period in steps; 0 only at the end
  int64_t eval_every = 25;                 // evaluation period in steps; 0 disables it

  void visit(ConfigVisitor& v);
  absl::Status validate() const;
};

}  // namespace terse
