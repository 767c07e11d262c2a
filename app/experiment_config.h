// The whole configuration a terse command reads: a training run's sections and those of what
// runs above the trainer (the demo's phases). This is the schema of every file in configs/;
// the trainers see only its TrainingConfig part, so a run directory's config.yaml holds that.
#pragma once

#include "absl/status/status.h"
#include "app/demo_config.h"
#include "core/config_visitor.h"
#include "trainer/training_config.h"

namespace terse {

struct ExperimentConfig : TrainingConfig {
  DemoConfig demo;

  // The training sections in order, then `demo`.
  void visit(ConfigVisitor& v);
  // The training run's checks, then the demo's; each error names its key paths.
  absl::Status validate() const;
};

}  // namespace terse
