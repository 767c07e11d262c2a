#include "rollout/rollout_worker.h"

#include <ATen/ATen.h>

namespace terse {

RolloutWorker::RolloutWorker(Transformer model, PromptShard shard, GenerationConfig config,
                             Detokenizer detokenize)
    : model_(std::move(model)),
      shard_(std::move(shard)),
      config_(std::move(config)),
      detokenize_(std::move(detokenize)) {}

Trajectory RolloutWorker::next_batch(int64_t prompts) {
  GenerationConfig config = config_;
  // A different stream per batch, fixed by where the batch starts in the data.
  config.seed = config_.seed * 1000003ULL + static_cast<uint64_t>(shard_.cursor());
  return generate(model_, shard_.next(prompts), config, detokenize_, version_);
}

void RolloutWorker::load_weights(Transformer& source, int64_t version) {
  const at::NoGradGuard no_grad;
  auto target = model_->named_parameters();
  for (const auto& item : source->named_parameters()) {
    at::Tensor* destination = target.find(item.key());
    TORCH_CHECK(destination != nullptr, "load_weights: the replica has no parameter ", item.key());
    TORCH_CHECK(destination->sizes() == item.value().sizes(), "load_weights: ", item.key(), " is ",
                destination->sizes(), " in the replica but ", item.value().sizes());
    destination->copy_(item.value());
  }
  version_ = version;
}

}  // namespace terse
