#include "models/decoder_layer.h"

namespace terse {

MlpImpl::MlpImpl(const ModelConfig& config, const at::TensorOptions& options) {
  const int64_t hidden = config.hidden_size, inner = config.intermediate_size;
  gate_proj_ = register_module("gate_proj", Linear(hidden, inner, config.mlp_bias, options));
  up_proj_ = register_module("up_proj", Linear(hidden, inner, config.mlp_bias, options));
  down_proj_ = register_module("down_proj", Linear(inner, hidden, config.mlp_bias, options));
}

at::Tensor MlpImpl::forward(const at::Tensor& x) {
  return down_proj_(at::silu(gate_proj_(x)) * up_proj_(x));
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& config, const at::TensorOptions& options) {
  const int64_t hidden = config.hidden_size;
  const double eps = config.rms_norm_eps;
  input_layernorm_ = register_module("input_layernorm", RmsNorm(hidden, eps, options));
  self_attn_ = register_module("self_attn", Attention(config, options));
  post_attention_layernorm_ =
      register_module("post_attention_layernorm", RmsNorm(hidden, eps, options));
  mlp_ = register_module("mlp", Mlp(config, options));
}

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const AttentionContext& context) {
  const at::Tensor h = x + self_attn_(input_layernorm_(x), context);
  return h + mlp_(post_attention_layernorm_(h));
}

}  // namespace terse
