#include "models/attention.h"

#include <cmath>
#include <limits>
#include <tuple>

namespace terse {

at::Tensor grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const at::Tensor& allowed) {
  TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && k.sizes() == v.sizes() && q.size(0) == k.size(0) &&
                  q.size(3) == k.size(3) && q.size(1) % k.size(1) == 0,
              "grouped_attention: q ", q.sizes(), ", k ", k.sizes(), ", v ", v.sizes(),
              " are not [N, Hq, T, D], [N, Hkv, S, D] with Hq a multiple of Hkv");
  const int64_t n = q.size(0), heads = q.size(1), t = q.size(2), d = q.size(3);
  const int64_t kv_heads = k.size(1), s = k.size(2), group = heads / kv_heads;
  TORCH_CHECK(allowed.sizes() == at::IntArrayRef({n, t, s}), "grouped_attention: allowed is ",
              allowed.sizes(), ", expected [", n, ", ", t, ", ", s, "]");
  // Query heads of one group share their key/value head: fold the group into the query rows.
  const at::Tensor grouped_q = q.reshape({n, kv_heads, group * t, d});
  const at::Tensor scores =
      at::matmul(grouped_q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(d)));
  const at::Tensor masked = scores.view({n, kv_heads, group, t, s})
                                .to(at::kFloat)
                                .masked_fill(allowed.logical_not().view({n, 1, 1, t, s}),
                                             std::numeric_limits<float>::lowest());
  const at::Tensor probs = masked.softmax(-1).to(q.scalar_type());
  const at::Tensor out = at::matmul(probs.view({n, kv_heads, group * t, s}), v);
  return out.view({n, heads, t, d}).transpose(1, 2).reshape({n, t, heads * d});
}

AttentionImpl::AttentionImpl(const ModelConfig& config, const at::TensorOptions& options)
    : num_heads_(config.num_heads),
      num_kv_heads_(config.num_kv_heads),
      head_dim_(config.resolved_head_dim()) {
  const int64_t hidden = config.hidden_size;
  const int64_t q_width = num_heads_ * head_dim_, kv_width = num_kv_heads_ * head_dim_;
  q_proj_ = register_module("q_proj", Linear(hidden, q_width, config.qkv_bias, options));
  k_proj_ = register_module("k_proj", Linear(hidden, kv_width, config.qkv_bias, options));
  v_proj_ = register_module("v_proj", Linear(hidden, kv_width, config.qkv_bias, options));
  o_proj_ = register_module("o_proj", Linear(q_width, hidden, config.o_bias, options));
  if (config.qk_norm) {
    q_norm_ = register_module("q_norm", RmsNorm(head_dim_, config.rms_norm_eps, options));
    k_norm_ = register_module("k_norm", RmsNorm(head_dim_, config.rms_norm_eps, options));
  }
}

at::Tensor AttentionImpl::forward(const at::Tensor& x, const AttentionContext& context) {
  const int64_t n = x.size(0), t = x.size(1);
  at::Tensor q = q_proj_(x).view({n, t, num_heads_, head_dim_});
  at::Tensor k = k_proj_(x).view({n, t, num_kv_heads_, head_dim_});
  at::Tensor v = v_proj_(x).view({n, t, num_kv_heads_, head_dim_}).transpose(1, 2);
  if (q_norm_) {
    q = q_norm_(q);
    k = k_norm_(k);
  }
  q = apply_rope(q.transpose(1, 2), context.rope);  // [N, Hq, T, D]
  k = apply_rope(k.transpose(1, 2), context.rope);  // [N, Hkv, T, D]
  if (context.cache != nullptr) {
    std::tie(k, v) = context.cache->write(context.layer, *context.plan, k, v);
  }
  return o_proj_(grouped_attention(q, k, v, context.allowed));
}

}  // namespace terse
