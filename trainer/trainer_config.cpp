#include "trainer/trainer_config.h"

#include "absl/strings/str_cat.h"

namespace terse {

void TrainerConfig::visit(ConfigVisitor& v) {
  v.enum_field("algorithm", algorithm, {{"grpo", Algorithm::kGrpo}, {"ppo", Algorithm::kPpo}},
               "Policy-gradient family: grpo (group-relative advantages) or ppo (critic + GAE).");
  v.field("steps", steps, "Optimisation steps, one rollout batch each.", Range::at_least(1));
  v.field("batch_prompts", batch_prompts,
          "Prompts per rollout batch (each sampled group_size times).", Range::at_least(1));
  v.field("lr", lr, "Peak learning rate of AdamW.", Range::above(0));
  v.field("warmup_steps", warmup_steps, "Linear learning-rate warm-up steps.", Range::at_least(0));
  v.field("max_grad_norm", max_grad_norm, "Clip the global gradient norm to this; 0 disables.",
          Range::at_least(0));
  v.field("save_every", save_every, "Checkpoint every this many steps; 0 saves only at the end.",
          Range::at_least(0));
  v.field("eval_every", eval_every, "Evaluate every this many steps; 0 disables evaluation.",
          Range::at_least(0));
}

absl::Status TrainerConfig::validate() const {
  if (warmup_steps > steps) {
    return absl::InvalidArgumentError(
        absl::StrCat("`trainer.warmup_steps` = ", warmup_steps,
                     " is longer than the run (`trainer.steps` = ", steps, ")"));
  }
  return absl::OkStatus();
}

}  // namespace terse
