// The whole configuration of a terse run: one section per component. This is the schema of
// every file in configs/ and of each run directory's config.yaml.
#pragma once

#include "absl/status/status.h"
#include "core/config_visitor.h"
#include "core/run_config.h"
#include "data/data_config.h"
#include "models/model_config.h"
#include "reward/reward_config.h"
#include "rollout/rollout_config.h"
#include "trainer/demo_config.h"
#include "trainer/trainer_config.h"

namespace terse {

struct ExperimentConfig {
  RunConfig run;
  RuntimeConfig runtime;
  ModelConfig model;
  RolloutConfig rollout;
  RewardConfig reward;
  TrainerConfig trainer;
  DataConfig data;
  DemoConfig demo;

  void visit(ConfigVisitor& v);
  // Checks that involve several fields; each error names its key paths.
  absl::Status validate() const;
};

}  // namespace terse
