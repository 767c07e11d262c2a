#include "rollout/rollout_config.h"

namespace terse {

void ThinkBudgetConfig::visit(ConfigVisitor& v) {
  v.field("tokens", tokens,
          "Thinking tokens a sample may use (tokens before close_tag, open_tag not counted); -1: "
          "no budget.",
          Range::at_least(-1));
  v.enum_field("mode", mode,
               {{"force", ThinkBudgetMode::kForce}, {"truncate", ThinkBudgetMode::kTruncate}},
               "At the budget: force appends close_tag and answer_prefix and lets the model "
               "answer (the forced tokens are left out of the loss); truncate stops the sample "
               "(finish reason length).");
  v.field("open_tag", open_tag, "The tag that opens thinking (one token, or empty).");
  v.field("close_tag", close_tag, "The tag that ends thinking (one token).");
  v.field("answer_prefix", answer_prefix,
          "Text forced after close_tag when the budget ends thinking.");
}

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
  v.section("think", think,
            "A thinking budget on every rollout sample (s1's budget forcing or truncation).");
}

}  // namespace terse
