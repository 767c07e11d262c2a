#include "rollout/rollout_config.h"

namespace terse {

void RolloutConfig::visit(ConfigVisitor& v) {
  v.field("group_size", group_size,
          "Samples per prompt (G); group-relative advantages need at least 2.", Range::at_least(2));
  v.field("temperature", temperature, "Softmax temperature of the sampling distribution.",
          Range::above(0));
  v.field("top_p", top_p, "Nucleus sampling: keep the smallest set of tokens with this mass.",
          Range::above_up_to(0, 1));
  v.field("top_k", top_k, "Keep only the k most likely tokens; 0 keeps all.", Range::at_least(0));
  v.field("max_new_tokens", max_new_tokens, "Completion budget per sample, in tokens.",
          Range::at_least(1));
  v.field("workers", workers,
          "Ranks of a launch that only sample (disaggregated mode: the last ones; the rest "
          "train); 0 samples on every rank (colocated).",
          Range::at_least(0));
  v.field("max_staleness", max_staleness,
          "Disaggregated mode: how many policy versions behind the trainers a worker may sample "
          "(0 waits for every update; 1 samples the next batch during the update).",
          Range::at_least(0));
}

}  // namespace terse
