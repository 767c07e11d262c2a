// A rollout worker: a model replica that turns its shard of prompts into Trajectory batches and
// takes new weights between batches (copied in-process here; sent over c10d by the distributed
// trainer).
#pragma once

#include <cstdint>

#include "models/transformer.h"
#include "rollout/prompt_shard.h"
#include "rollout/sampling_engine.h"

namespace terse {

class RolloutWorker {
 public:
  // `model` is the worker's own replica; `detokenize` serves stop strings (may be empty).
  RolloutWorker(Transformer model, PromptShard shard, GenerationConfig config,
                Detokenizer detokenize);

  // Samples config.group_size completions for each of the shard's next `prompts` prompts.
  // Each call uses a fresh seed derived from the config's seed and the batch number, so a
  // resumed run (same cursor) draws the same samples.
  Trajectory next_batch(int64_t prompts);

  // Copies every parameter of `source` (same architecture) into the replica and records
  // `version` as the policy version of the batches that follow.
  void load_weights(Transformer& source, int64_t version);

  int64_t policy_version() const { return version_; }
  // Records the version of the weights the replica holds (colocated mode: the policy itself).
  void set_policy_version(int64_t version) { version_ = version; }
  PromptShard& shard() { return shard_; }
  Transformer& model() { return model_; }

 private:
  Transformer model_;
  PromptShard shard_;
  GenerationConfig config_;
  Detokenizer detokenize_;
  int64_t version_ = 0;
};

}  // namespace terse
