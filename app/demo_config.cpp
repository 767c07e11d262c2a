#include "app/demo_config.h"

#include "absl/strings/str_cat.h"
#include "reward/length_target.h"

namespace terse {

EffortConfig DemoModesConfig::default_effort() {
  EffortConfig effort;
  effort.modes = {"instant", "thinking", "contemplating"};
  effort.instructions = {"Answer at once.", "Think briefly.", "Think carefully."};
  effort.budgets = {0, 32, -1};
  effort.parallel = {1, 1, 4};
  effort.weights = {1, 1, 1};
  effort.budget_weight = 1;
  return effort;
}

void DemoModesConfig::visit(ConfigVisitor& v) {
  v.field("sft_steps", sft_steps,
          "Steps of the SFT that gives every mode its start, from the demo's SFT model: a "
          "request for no thinking learns the direct answer, one without a budget the long "
          "trace, a budget of B tokens the long trace's optional blocks in order while they fit B.",
          Range::at_least(1));
  v.field("sft_lr", sft_lr, "Its peak learning rate; cosine decay to a tenth of it.",
          Range::above(0));
  v.field("rl_steps", rl_steps,
          "RL steps with the mode mixture (demo.modes.penalty against each prompt's request); the "
          "other settings are the demo's RL phase's (trainer.*, rollout.*).",
          Range::at_least(1));
  v.enum_field("penalty", penalty, penalty_kind_names(),
               "The RL penalty against each request: l1_exact (reward 1[correct] - alpha * "
               "|budget - L|, the budget as a target) or l1_max (1[correct] * clip(alpha * "
               "(budget - L) + delta, 0, 1), the budget as a cap); L counts thinking tokens and a "
               "mode with budget -1 pays no length term.");
  v.field("alpha", alpha, "The L1 penalty's coefficient alpha.", Range::at_least(0));
  v.field("delta", delta, "L1-Max's offset delta: the reward share of an answer exactly at budget.",
          Range::between(0, 1));
  v.field("budget_min", budget_min,
          "Smallest numeric budget drawn for training prompts (\"Think for N tokens.\").",
          Range::at_least(0));
  v.field("budget_max", budget_max, "Largest numeric budget drawn for training prompts.",
          Range::at_least(0));
  v.field("ladder", ladder,
          "Numeric budgets evaluated: the trained model asked for each, and the demo's SFT model "
          "forced to end its thinking at each.",
          Range::at_least(0));
  v.field("eval_problems", eval_problems,
          "Held-out problems evaluated per mode and per budget of the ladder.", Range::at_least(1));
  v.field("temperature", temperature,
          "Sampling temperature of a mode with several lines of thought (their majority answer "
          "is graded); modes with one line decode greedily.",
          Range::above(0));
  v.section("effort", effort,
            "The modes: names, instructions, budgets, lines of thought and training shares, as "
            "in reward.effort.");
}

absl::Status DemoModesConfig::validate() const {
  if (!uses_length_target(penalty)) {
    return absl::InvalidArgumentError(
        absl::StrCat("`demo.modes.penalty` = ", penalty_kind_name(penalty),
                     " scores no budget: use l1_exact or l1_max"));
  }
  if (budget_min > budget_max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`demo.modes.budget_min` = ", budget_min,
        " is above `demo.modes.budget_max` = ", budget_max, ": give a range of numeric budgets"));
  }
  return effort.validate("demo.modes.effort");
}

void DemoConfig::visit(ConfigVisitor& v) {
  v.field("ranks", ranks,
          "Data-parallel ranks the demo starts on this machine, as `terse launch --nproc` would "
          "(runtime.threads threads each); ignored when the demo runs under a launcher "
          "(WORLD_SIZE set). Every phase splits its batches over them.",
          Range::at_least(1));
  v.field("sft_steps", sft_steps, "SFT steps on the long traces (phase 1 of terse demo).",
          Range::at_least(1));
  v.field("sft_lr", sft_lr, "SFT peak learning rate; cosine decay to a tenth of it.",
          Range::above(0));
  v.field("sft_warmup_steps", sft_warmup_steps, "SFT linear learning-rate warm-up steps.",
          Range::at_least(0));
  v.field("sft_eval_every", sft_eval_every,
          "SFT evaluation period: held-out loss and greedy accuracy for the report's curves.",
          Range::at_least(1));
  v.field("no_reasoning_steps", no_reasoning_steps,
          "Steps of the same-size baseline trained to answer without reasoning.",
          Range::at_least(1));
  v.field("no_reasoning_lr", no_reasoning_lr,
          "Peak learning rate of the no-reasoning baseline (its sequences are short: it takes "
          "a higher rate than SFT on long traces).",
          Range::above(0));
  v.field("eval_problems", eval_problems,
          "Held-out test problems of the before/after table, decoded greedily.",
          Range::at_least(1));
  v.field("curve_problems", curve_problems,
          "Held-out problems decoded at each SFT evaluation for the accuracy and length curves.",
          Range::at_least(0));
  v.field("sft_bf16", sft_bf16,
          "Train the SFT phases (the long traces, the no-reasoning baseline, the modes' effort "
          "SFT) with bf16 block products where the hardware multiplies bf16 natively, as "
          "model.compute_dtype=auto does, whatever model.compute_dtype says; the RL phases and "
          "every evaluation keep model.compute_dtype.");
  v.section("modes", modes, "The reasoning-effort modes phase of `terse demo --modes`.");
}

}  // namespace terse
