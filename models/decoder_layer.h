// One pre-norm decoder block of the Llama / Qwen family:
//   h = x + attention(rms_norm(x));  out = h + mlp(rms_norm(h)),
// with the SwiGLU MLP (Shazeer 2020): down(silu(gate(x)) * up(x)).
//
// Shapes: N sequences, T tokens, H hidden width, I MLP width.
#pragma once

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/attention.h"
#include "models/linear.h"
#include "models/model_config.h"
#include "models/rms_norm.h"

namespace terse {

class MlpImpl : public torch::nn::Module {
 public:
  // Zero weights in `options`' dtype and on its device.
  MlpImpl(const ModelConfig& config, const at::TensorOptions& options);
  // x [N, T, H] -> [N, T, H].
  at::Tensor forward(const at::Tensor& x);

 private:
  Linear gate_proj_{nullptr};  // [I, H]
  Linear up_proj_{nullptr};    // [I, H]
  Linear down_proj_{nullptr};  // [H, I]
};
TORCH_MODULE(Mlp);

class DecoderLayerImpl : public torch::nn::Module {
 public:
  // Parameters in `options`' dtype and on its device; projections zero, norms one.
  DecoderLayerImpl(const ModelConfig& config, const at::TensorOptions& options);
  // x [N, T, H] -> [N, T, H].
  at::Tensor forward(const at::Tensor& x, const AttentionContext& context);

 private:
  RmsNorm input_layernorm_{nullptr};  // [H]
  Attention self_attn_{nullptr};
  RmsNorm post_attention_layernorm_{nullptr};  // [H]
  Mlp mlp_{nullptr};
};
TORCH_MODULE(DecoderLayer);

}  // namespace terse
