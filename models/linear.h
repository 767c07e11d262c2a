// A linear map y = x W^T (+ b) whose parameters are created directly in the dtype and on the
// device of the model (torch::nn::Linear would first draw a float32 CPU init and need a copy).
//
// Shapes: I input width, O output width.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace terse {

class LinearImpl : public torch::nn::Module {
 public:
  // Zero-filled weight [O, I] (and bias [O] when `bias`) with `options`' dtype and device.
  LinearImpl(int64_t in_features, int64_t out_features, bool bias,
             const at::TensorOptions& options);
  // x [..., I] -> [..., O].
  at::Tensor forward(const at::Tensor& x);

  at::Tensor weight;  // [O, I]
  at::Tensor bias;    // [O], or undefined
};
TORCH_MODULE(Linear);

}  // namespace terse
