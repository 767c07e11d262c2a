// Mixed precision: the transformer blocks' matrix products run in bf16 (autocast) while the
// weights, the optimizer state, the residual stream, the norms, the output projection, the
// log-probs, the loss and every reduction stay float32. Gradients reach the float32 weights
// through the casts, so the update is the usual float32 AdamW ("master weights").
#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "models/model_config.h"

namespace terse {

// Whether `config` asks for bf16 products on `device`: compute_dtype bfloat16, or auto where the
// hardware multiplies bf16 natively (a CPU with avx512_bf16 or AMX, any CUDA GPU). False when
// the weights themselves are bf16 (model.dtype), which needs no autocast.
bool uses_bf16_autocast(const ModelConfig& config, c10::Device device);

// Turns bf16 autocast for `device`'s kind on while alive (when `enabled`; otherwise does
// nothing), then restores what was there; the outermost guard also drops autocast's cached
// weight casts, so the next forward pass sees updated weights.
class AutocastGuard {
 public:
  AutocastGuard(c10::Device device, bool enabled);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_;
  c10::DeviceType type_;
  bool was_enabled_ = false;
  c10::ScalarType old_dtype_ = c10::ScalarType::Float;
};

}  // namespace terse
