// The configuration of one training run (SFT or RL): one section per component. This is the
// schema of each run directory's config.yaml; the commands' whole config (app/experiment_config.h)
// adds the sections of what runs above the trainer.
#pragma once

#include "absl/status/status.h"
#include "core/config_visitor.h"
#include "core/run_config.h"
#include "data/data_config.h"
#include "models/model_config.h"
#include "reward/reward_config.h"
#include "rollout/rollout_config.h"
#include "trainer/trainer_config.h"

namespace terse {

struct TrainingConfig {
  RunConfig run;
  RuntimeConfig runtime;
  ModelConfig model;
  RolloutConfig rollout;
  RewardConfig reward;
  TrainerConfig trainer;
  DataConfig data;

  void visit(ConfigVisitor& v);
  // Checks that involve several fields; each error names its key paths.
  absl::Status validate() const;
};

}  // namespace terse
