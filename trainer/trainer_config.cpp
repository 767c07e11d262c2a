#include "trainer/trainer_config.h"

#include "absl/strings/str_cat.h"

namespace terse {

void PpoConfig::visit(ConfigVisitor& v) {
  v.field("gamma", gamma, "Discount per token.", Range::between(0, 1));
  v.field("lambda", lambda, "GAE lambda: 0 is one-step TD, 1 is Monte Carlo.",
          Range::between(0, 1));
  v.field("value_clip", value_clip,
          "Clip value updates to this distance from the old value; 0 disables.",
          Range::at_least(0));
  v.field("value_coef", value_coef, "Weight of the critic loss.", Range::at_least(0));
  v.field("whiten_advantages", whiten_advantages, "Normalise advantages over the batch's tokens.");
  v.field("separate_critic", separate_critic,
          "Give the critic its own network instead of a value head on the policy's trunk.");
}

void SampleFilterConfig::visit(ConfigVisitor& v) {
  v.field("dynamic_sampling", dynamic_sampling,
          "Drop groups whose rewards are all equal: zero advantage, nothing to learn (DAPO).");
  v.field("refill", refill, "With dynamic_sampling: sample more prompts until the batch is full.");
  v.field("gfpo_keep", gfpo_keep,
          "GFPO: keep this many samples of each group (the rest get zero advantage); 0 disables.",
          Range::at_least(0));
  v.enum_field(
      "gfpo_metric", gfpo_metric,
      {{"shortest", GfpoMetric::kShortest}, {"reward_per_token", GfpoMetric::kRewardPerToken}},
      "Which samples GFPO keeps: the shortest, or the best reward per token.");
  v.field("mask_truncated", mask_truncated,
          "Leave completions cut off at max_new_tokens out of the loss (DAPO overlong filtering).");
}

const EnumNames<Algorithm>& algorithm_names() {
  static const EnumNames<Algorithm> names = {
      {"grpo", Algorithm::kGrpo}, {"gspo", Algorithm::kGspo}, {"ppo", Algorithm::kPpo}};
  return names;
}

const char* algorithm_name(Algorithm algorithm) {
  for (const auto& [name, value] : algorithm_names()) {
    if (value == algorithm) return name.c_str();
  }
  return "?";
}

void TrainerConfig::visit(ConfigVisitor& v) {
  v.enum_field("algorithm", algorithm, algorithm_names(),
               "Policy-gradient family: grpo (group-relative advantages, per-token ratio), gspo "
               "(group-relative advantages, one clipped ratio per sequence; set eps_low/eps_high "
               "near 3e-4/4e-4) or ppo (critic + GAE).");
  v.field("steps", steps, "Optimisation steps, one rollout batch each.", Range::at_least(1));
  v.field("batch_prompts", batch_prompts,
          "Prompts per rollout batch (each sampled group_size times).", Range::at_least(1));
  v.field("epochs", epochs, "Passes over each rollout batch.", Range::at_least(1));
  v.field("minibatches", minibatches, "Optimiser steps per pass over the rollout batch.",
          Range::at_least(1));
  v.field("micro_batch_tokens", micro_batch_tokens,
          "Gradient accumulation: at most this many tokens per forward/backward.",
          Range::at_least(1));
  v.field("lr", lr, "Peak learning rate of AdamW.", Range::above(0));
  v.enum_field("schedule", schedule,
               {{"constant", LrSchedule::kConstant},
                {"linear", LrSchedule::kLinear},
                {"cosine", LrSchedule::kCosine}},
               "Learning rate after warm-up: constant, or linear / cosine decay to min_lr_ratio.");
  v.field("warmup_steps", warmup_steps, "Linear learning-rate warm-up steps.", Range::at_least(0));
  v.field("min_lr_ratio", min_lr_ratio, "Floor of the decay, as a fraction of lr.",
          Range::between(0, 1));
  v.field("weight_decay", weight_decay, "AdamW decoupled weight decay.", Range::at_least(0));
  v.field("max_grad_norm", max_grad_norm, "Clip the global gradient norm to this; 0 disables.",
          Range::at_least(0));
  v.field("save_every", save_every, "Checkpoint every this many steps; 0 saves only at the end.",
          Range::at_least(0));
  v.field("keep_checkpoints", keep_checkpoints, "How many of the latest checkpoints to keep.",
          Range::at_least(1));
  v.field("eval_every", eval_every, "Evaluate every this many steps; 0 disables evaluation.",
          Range::at_least(0));
  v.field("eval_problems", eval_problems,
          "Held-out test problems each evaluation of terse train samples (at most data.test_size).",
          Range::at_least(1));
  v.field("eval_samples", eval_samples,
          "Completions per test problem: 1 decodes greedily; k > 1 samples at the rollout "
          "temperature and adds pass@k.",
          Range::at_least(1));
  v.field("log_samples", log_samples,
          "Completions of each evaluation written to samples.jsonl in the run directory.",
          Range::at_least(0));
  v.field("max_nonfinite_steps", max_nonfinite_steps,
          "A NaN or infinite loss or gradient skips the update; this many in a row stop the run.",
          Range::at_least(1));
  v.section("loss", loss, "The clipped policy loss, its aggregation and the KL penalty.");
  v.section("ppo", ppo, "PPO's critic and GAE (algorithm: ppo).");
  v.section("filter", filter, "Which sampled completions train.");
  v.section("sft", sft, "Supervised fine-tuning on the task's completions (terse sft).");
}

absl::Status TrainerConfig::validate() const {
  if (warmup_steps > steps) {
    return absl::InvalidArgumentError(
        absl::StrCat("`trainer.warmup_steps` = ", warmup_steps,
                     " is longer than the run (`trainer.steps` = ", steps, ")"));
  }
  if (filter.gfpo_keep == 1) {
    return absl::InvalidArgumentError(
        "`trainer.filter.gfpo_keep` = 1 leaves one sample per group, whose group advantage is "
        "always 0: keep at least 2, or 0 to disable GFPO");
  }
  if (filter.refill && !filter.dynamic_sampling) {
    return absl::InvalidArgumentError(
        "`trainer.filter.refill` needs `trainer.filter.dynamic_sampling: true`");
  }
  return absl::OkStatus();
}

}  // namespace terse
