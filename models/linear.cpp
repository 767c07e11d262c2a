#include "models/linear.h"

namespace terse {

LinearImpl::LinearImpl(int64_t in_features, int64_t out_features, bool bias,
                       const at::TensorOptions& options) {
  weight = register_parameter("weight", at::zeros({out_features, in_features}, options));
  if (bias) this->bias = register_parameter("bias", at::zeros({out_features}, options));
}

at::Tensor LinearImpl::forward(const at::Tensor& x) { return at::linear(x, weight, bias); }

}  // namespace terse
