#include "app/experiment_config.h"

#include "core/status.h"

namespace terse {

void ExperimentConfig::visit(ConfigVisitor& v) {
  TrainingConfig::visit(v);
  v.section("demo", demo, "The phases of terse demo besides its RL run (trainer.*).");
}

absl::Status ExperimentConfig::validate() const {
  TERSE_RETURN_IF_ERROR(TrainingConfig::validate());
  return demo.modes.validate();
}

}  // namespace terse
