// Settings of supervised fine-tuning (`terse sft`): teacher forcing on prompt + completion of the
// configured task, loss on the completion tokens only. Keys live under `trainer.sft.`; the
// optimiser, schedule, checkpoint and evaluation periods are the trainer's own keys.
#pragma once

#include <cstdint>

#include "core/config_visitor.h"

namespace terse {

// Which completion of a problem SFT learns (data/completion.h).
enum class SftTarget {
  kLong,    // the long trace: the model that RL then shortens
  kCore,    // the core trace: the shortest reasoning of the task's notation
  kDirect,  // no reasoning, the answer only: the no-reasoning baseline
  kEffort,  // per problem: an effort request in the prompt (reward.effort), and the direct
            // answer for a request of no thinking (budget 0), else the long trace
};

struct SftConfig {
  int64_t batch_size = 32;              // sequences per optimiser step
  int64_t eval_batches = 4;             // test batches (of batch_size) each evaluation reads
  SftTarget target = SftTarget::kLong;  // which completion trains
  int64_t eval_generate = 0;  // test problems decoded greedily at each evaluation; 0: loss only

  void visit(ConfigVisitor& v);
};

}  // namespace terse
