// Optimisation settings of the RL (and SFT) trainer.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "core/config_visitor.h"
#include "trainer/group_filter.h"
#include "trainer/lr_schedule.h"
#include "trainer/policy_loss_config.h"
#include "trainer/sft_config.h"

namespace terse {

enum class Algorithm { kGrpo, kGspo, kPpo };

// Config spellings of Algorithm, and the spelling of one value ("grpo", "gspo", "ppo").
const EnumNames<Algorithm>& algorithm_names();
const char* algorithm_name(Algorithm algorithm);

// PPO's critic and advantage settings.
struct PpoConfig {
  double gamma = 1.0;             // discount per token
  double lambda = 0.95;           // GAE lambda
  double value_clip = 0.2;        // clip of the value update around the old value; 0 disables
  double value_coef = 0.5;        // weight of the critic loss
  bool whiten_advantages = true;  // normalise advantages over the batch's tokens
  bool separate_critic = false;   // a critic network of its own instead of a head on the policy

  void visit(ConfigVisitor& v);
};

// Which sampled completions train (DAPO dynamic sampling, GFPO, overlong masking).
struct SampleFilterConfig {
  bool dynamic_sampling = false;  // drop groups whose rewards are all equal (DAPO)
  bool refill = false;            // with dynamic_sampling: sample more prompts to refill the batch
  int64_t gfpo_keep = 0;          // GFPO: keep this many of each group; 0 disables
  GfpoMetric gfpo_metric = GfpoMetric::kShortest;
  bool mask_truncated = false;  // exclude completions cut at max_new_tokens from the loss (DAPO)

  void visit(ConfigVisitor& v);
};

struct TrainerConfig {
  Algorithm algorithm = Algorithm::kGrpo;  // policy-gradient family
  int64_t steps = 100;                     // optimisation steps (one rollout batch each)
  int64_t batch_prompts = 16;              // prompts per rollout batch (x group size samples)
  int64_t epochs = 1;                      // passes over each rollout batch
  int64_t minibatches = 1;                 // optimiser steps per pass
  int64_t micro_batch_tokens = 8192;       // gradient accumulation: tokens per forward/backward
  double lr = 1e-5;                        // peak AdamW learning rate
  LrSchedule schedule = LrSchedule::kConstant;
  int64_t warmup_steps = 0;         // linear learning-rate warm-up steps
  double min_lr_ratio = 0.0;        // floor of linear/cosine decay (fraction of lr)
  double weight_decay = 0.0;        // AdamW decoupled weight decay
  double max_grad_norm = 1.0;       // global gradient-norm clip; 0 disables it
  int64_t save_every = 50;          // checkpoint period in steps; 0 only at the end
  int64_t keep_checkpoints = 2;     // how many recent checkpoints to keep
  int64_t eval_every = 25;          // evaluation period in steps; 0 disables it
  int64_t eval_problems = 64;       // test problems each evaluation of `terse train` samples
  int64_t eval_samples = 1;         // completions per test problem: 1 is greedy, k > 1 sampled
  int64_t log_samples = 4;          // completions per evaluation written to samples.jsonl
  int64_t max_nonfinite_steps = 5;  // stop after this many updates in a row with a NaN/inf
  PolicyLossConfig loss;
  PpoConfig ppo;
  SampleFilterConfig filter;
  SftConfig sft;

  void visit(ConfigVisitor& v);
  absl::Status validate() const;
};

}  // namespace terse
