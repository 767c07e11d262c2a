#include "rollout/trajectory.h"

#include <ATen/ATen.h>

namespace terse {

std::vector<int64_t> Trajectory::completion(int64_t i) const {
  const int64_t length = completion_mask[i].sum().item<int64_t>();
  const at::Tensor row = completion_ids[i].narrow(0, 0, length).contiguous().cpu();
  return std::vector<int64_t>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + length);
}

std::vector<int64_t> Trajectory::lengths() const {
  const at::Tensor sums = completion_mask.sum(1).to(at::kLong).cpu().contiguous();
  return std::vector<int64_t>(sums.data_ptr<int64_t>(), sums.data_ptr<int64_t>() + sums.numel());
}

const char* finish_reason_name(FinishReason reason) {
  return reason == FinishReason::kStop ? "stop" : "length";
}

}  // namespace terse
