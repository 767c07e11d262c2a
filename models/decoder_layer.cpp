#include "models/decoder_layer.h"

namespace terse {

MlpImpl::MlpImpl(const ModelConfig& config) {
  using torch::nn::LinearOptions;
  const int64_t hidden = config.hidden_size, inner = config.intermediate_size;
  gate_proj_ = register_module(
      "gate_proj", torch::nn::Linear(LinearOptions(hidden, inner).bias(config.mlp_bias)));
  up_proj_ = register_module("up_proj",
                             torch::nn::Linear(LinearOptions(hidden, inner).bias(config.mlp_bias)));
  down_proj_ = register_module(
      "down_proj", torch::nn::Linear(LinearOptions(inner, hidden).bias(config.mlp_bias)));
}

at::Tensor MlpImpl::forward(const at::Tensor& x) {
  return down_proj_(at::silu(gate_proj_(x)) * up_proj_(x));
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& config) {
  input_layernorm_ =
      register_module("input_layernorm", RmsNorm(config.hidden_size, config.rms_norm_eps));
  self_attn_ = register_module("self_attn", Attention(config));
  post_attention_layernorm_ =
      register_module("post_attention_layernorm", RmsNorm(config.hidden_size, config.rms_norm_eps));
  mlp_ = register_module("mlp", Mlp(config));
}

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const AttentionContext& context) {
  const at::Tensor h = x + self_attn_(input_layernorm_(x), context);
  return h + mlp_(post_attention_layernorm_(h));
}

}  // namespace terse
