#include "trainer/sft_config.h"

namespace terse {

void SftConfig::visit(ConfigVisitor& v) {
  v.field("batch_size", batch_size,
          "Sequences per optimiser step (in micro-batches of trainer.micro_batch_tokens).",
          Range::between(1, 1 << 20));
  v.field("eval_batches", eval_batches,
          "Test batches of batch_size per evaluation (the same ones each time).",
          Range::between(1, 1 << 20));
  v.enum_field(
      "target", target,
      {{"long", SftTarget::kLong}, {"core", SftTarget::kCore}, {"direct", SftTarget::kDirect}},
      "Completion to learn: long, core (necessary steps only) or direct (answer only).");
}

}  // namespace terse
