#include "trainer/sft_config.h"

namespace terse {

void SftConfig::visit(ConfigVisitor& v) {
  v.field("batch_size", batch_size,
          "Sequences per optimiser step (in micro-batches of trainer.micro_batch_tokens).",
          Range::between(1, 1 << 20));
  v.field("eval_batches", eval_batches,
          "Test batches of batch_size per evaluation (the same ones each time).",
          Range::between(1, 1 << 20));
  v.enum_field("target", target,
               {{"long", SftTarget::kLong},
                {"core", SftTarget::kCore},
                {"direct", SftTarget::kDirect},
                {"effort", SftTarget::kEffort}},
               "Completion to learn: long, core (necessary steps only), direct (answer only), or "
               "effort: each prompt asks for a mode or budget of reward.effort (drawn as RL draws "
               "them) and learns the direct answer for budget 0, the long trace for none (-1), "
               "and for B tokens the long trace's optional blocks in order while they fit B.");
  v.field("eval_generate", eval_generate,
          "Test problems decoded greedily at each evaluation, adding eval/accuracy, "
          "eval/length_mean and eval/tokens_per_correct to eval/loss; 0 computes the loss only.",
          Range::at_least(0));
}

}  // namespace terse
