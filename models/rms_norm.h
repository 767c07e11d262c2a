// Root-mean-square layer normalisation (Zhang & Sennrich 2019), as the Llama and Qwen families
// use it: y = w * (x / sqrt(mean(x^2) + eps)), the statistics taken in float32.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace terse {

class RmsNormImpl : public torch::nn::Module {
 public:
  // A norm over the last dimension of width `dim`, weight initialised to ones in `options`'
  // dtype and device.
  RmsNormImpl(int64_t dim, double eps, const at::TensorOptions& options);
  // x [..., dim] -> [..., dim] in x's dtype.
  at::Tensor forward(const at::Tensor& x);

  at::Tensor weight;  // [dim]

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

}  // namespace terse
