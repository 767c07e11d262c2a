#include "trainer/training_config.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {

void TrainingConfig::visit(ConfigVisitor& v) {
  v.section("run", run, "Where the run writes, its seed, and how it resumes.");
  v.section("runtime", runtime, "Threads and device.");
  v.section("model", model, "The policy network.");
  v.section("rollout", rollout, "Sampling of completions.");
  v.section("reward", reward, "Accuracy and length terms of the reward.");
  v.section("trainer", trainer, "Optimisation.");
  v.section("data", data, "Problems: a built-in task or JSONL files, and their splits.");
}

absl::Status TrainingConfig::validate() const {
  TERSE_RETURN_IF_ERROR(run.validate());
  TERSE_RETURN_IF_ERROR(model.validate());
  TERSE_RETURN_IF_ERROR(reward.validate());
  TERSE_RETURN_IF_ERROR(trainer.validate());
  TERSE_RETURN_IF_ERROR(data.validate());
  if (trainer.sft.target == SftTarget::kEffort && !reward.effort.enabled()) {
    return absl::InvalidArgumentError(
        "`trainer.sft.target` is `effort` but `reward.effort.modes` is empty: name the modes "
        "the prompts ask for (configs/effort.yaml has an example)");
  }
  if (trainer.filter.gfpo_keep >= rollout.group_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("`trainer.filter.gfpo_keep` = ", trainer.filter.gfpo_keep,
                     " must be below `rollout.group_size` = ", rollout.group_size,
                     ": GFPO samples more than it keeps"));
  }
  return absl::OkStatus();
}

}  // namespace terse
