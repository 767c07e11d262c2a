// The decoder-only transformer of the Llama / Qwen2 / Qwen3 family. Parameters carry the Hugging
// Face names ("model.layers.0.self_attn.q_proj.weight", "lm_head.weight"), plus
// "value_head.weight" / "value_head.bias" when the config asks for a value head.
//
// Two paths give the same numbers for the same tokens: `forward` over a padded batch (training,
// scoring) and `forward_cached` against a KvCache (incremental decoding for rollouts).
//
// Shapes: N sequences, T tokens, H hidden width, V vocabulary, L layers.
// Masks: attention_mask [N, T], nonzero for real tokens; token t of sequence i attends to the
// real tokens j <= t of that sequence. Padding may sit anywhere; position_ids [N, T] say where
// each real token is (padding positions are ignored).
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

#include "absl/strings/string_view.h"
#include "models/decoder_layer.h"
#include "models/kv_cache.h"
#include "models/linear.h"
#include "models/model_config.h"
#include "models/rms_norm.h"

namespace terse {

// How a new Transformer's weights start.
enum class WeightInit {
  kRandom,  // init_weights(0)
  kNone,    // zero matrices and biases, unit norms: for weights about to be loaded
};

class TransformerImpl : public torch::nn::Module {
 public:
  // A model of `config`'s shape (validated, vocab_size > 0) whose parameters are created in
  // config.dtype directly on `device`.
  explicit TransformerImpl(const ModelConfig& config, at::Device device = at::kCPU,
                           WeightInit init = WeightInit::kRandom);

  const ModelConfig& config() const { return config_; }
  // Whether the blocks' products run in bf16 over float32 weights (models/mixed_precision.h).
  bool bf16_autocast() const { return bf16_autocast_; }
  at::Device device() const;
  // Redraws the parameters whose names start with `prefix` (all by default): matrices ~
  // N(0, init_std²), norms 1, biases 0, from a CPU generator seeded with `seed`, so the result
  // is the same on every device.
  void init_weights(uint64_t seed, absl::string_view prefix = "");

  // Hidden states after the final norm, [N, T, H], for ids [N, T] (int64), attention_mask
  // [N, T] and position_ids [N, T] (int64). Checkpoints every block when
  // config.activation_checkpointing is on and gradients are being recorded.
  at::Tensor forward(const at::Tensor& ids, const at::Tensor& attention_mask,
                     const at::Tensor& position_ids);
  // The same for new tokens that continue the sequences held in `cache`: the real new tokens
  // (attention_mask = 1) see the cached ones, are appended to it, and get hidden states [N, T, H].
  at::Tensor forward_cached(const at::Tensor& ids, const at::Tensor& attention_mask,
                            const at::Tensor& position_ids, KvCache& cache);
  // An empty cache for `batch` sequences of up to `capacity` tokens, on the model's device and
  // in its dtype.
  KvCache new_cache(int64_t batch, int64_t capacity) const;

  // Next-token logits, float32: hidden [..., H] -> [..., V].
  at::Tensor logits(const at::Tensor& hidden);
  // log p(targets[i][t] | hidden[i][t]), float32 [N, T], for hidden [N, T, H] and targets
  // [N, T] (int64). At most config.logprob_chunk rows of logits exist at once, in the backward
  // pass too (each chunk is recomputed there).
  at::Tensor token_logprobs(const at::Tensor& hidden, const at::Tensor& targets);
  // The value head's estimate per token, float32 [N, T], for hidden [N, T, H].
  at::Tensor values(const at::Tensor& hidden);

  // The output projection [V, H] (the embedding matrix when tied).
  const at::Tensor& output_weight() const;

 private:
  at::Tensor run_layers(at::Tensor hidden, const AttentionContext& context, bool checkpoint);

  ModelConfig config_;
  bool bf16_autocast_ = false;
  at::Tensor inverse_frequencies_;  // [D/2] float32, CPU
  at::Tensor embed_tokens_;         // [V, H]
  std::vector<DecoderLayer> layers_;
  RmsNorm norm_{nullptr};       // [H]
  Linear lm_head_{nullptr};     // [V, H], untied models only
  Linear value_head_{nullptr};  // [1, H] + [1], value_head only
};
TORCH_MODULE(Transformer);

}  // namespace terse
