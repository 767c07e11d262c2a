// Multi-head self-attention with grouped key/value heads (Ainslie et al. 2023, "GQA"), optional
// q/k/v/o biases (Qwen2) and per-head q/k RMSNorm (Qwen3), rotary positions, and an optional
// KV cache for incremental decoding.
//
// Shapes: N sequences, T query tokens, S key slots, H hidden width, Hq query heads, Hkv
// key/value heads (Hq a multiple of Hkv), D head width.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/kv_cache.h"
#include "models/linear.h"
#include "models/model_config.h"
#include "models/rms_norm.h"
#include "models/rotary_embedding.h"

namespace terse {

// What every layer's attention needs for one forward call.
struct AttentionContext {
  RopeTables rope;                 // cos/sin of the query tokens' positions, [N, T, D] each
  at::Tensor allowed;              // [N, T, S] bool: key slot s is visible to query t
  KvCache* cache = nullptr;        // null: the keys are the T query tokens themselves (S = T)
  const KvAppend* plan = nullptr;  // with a cache: where this step's tokens go
  int64_t layer = 0;               // with a cache: which layer's storage to use
};

// softmax(q k^T / sqrt(D) masked by `allowed`) v, query head h reading key/value head
// h / (Hq / Hkv). q [N, Hq, T, D], k and v [N, Hkv, S, D], allowed [N, T, S] bool -> [N, T, Hq*D].
// Scores and softmax are float32. A query that may see no key gets the mean of all values.
at::Tensor grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const at::Tensor& allowed);

class AttentionImpl : public torch::nn::Module {
 public:
  // Parameters in `options`' dtype and on its device; projections zero, norms one.
  AttentionImpl(const ModelConfig& config, const at::TensorOptions& options);
  // x [N, T, H] -> [N, T, H]; with a cache in `context`, this step's keys and values are stored.
  at::Tensor forward(const at::Tensor& x, const AttentionContext& context);

 private:
  int64_t num_heads_;
  int64_t num_kv_heads_;
  int64_t head_dim_;
  Linear q_proj_{nullptr};   // [Hq*D, H]
  Linear k_proj_{nullptr};   // [Hkv*D, H]
  Linear v_proj_{nullptr};   // [Hkv*D, H]
  Linear o_proj_{nullptr};   // [H, Hq*D]
  RmsNorm q_norm_{nullptr};  // [D], qk_norm only
  RmsNorm k_norm_{nullptr};  // [D], qk_norm only
};
TORCH_MODULE(Attention);

}  // namespace terse
