#include "models/rms_norm.h"

namespace terse {

RmsNormImpl::RmsNormImpl(int64_t dim, double eps, const at::TensorOptions& options) : eps_(eps) {
  weight = register_parameter("weight", at::ones({dim}, options));
}

at::Tensor RmsNormImpl::forward(const at::Tensor& x) {
  TORCH_CHECK(x.size(-1) == weight.size(0), "RmsNorm over width ", weight.size(0),
              " got input of shape ", x.sizes());
  const at::Tensor x32 = x.to(at::kFloat);
  const at::Tensor inv_rms = at::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps_);
  return weight * (x32 * inv_rms).to(x.scalar_type());
}

}  // namespace terse
