#include "core/device.h"

#include <torch/cuda.h>

#include "absl/strings/str_cat.h"

namespace terse {

GpuAvailability gpu_availability() {
#ifdef TERSE_WITH_CUDA
  return {true, static_cast<int64_t>(torch::cuda::device_count())};
#else
  return {false, 0};
#endif
}

absl::StatusOr<c10::Device> select_device(Device device, int64_t local_rank,
                                          const GpuAvailability& gpus) {
  const bool rank_has_gpu = gpus.compiled && local_rank < gpus.count;
  if (device == Device::kCpu || (device == Device::kAuto && !rank_has_gpu)) {
    return c10::Device(c10::kCPU);
  }
  if (!gpus.compiled) {
    return absl::FailedPreconditionError(
        "runtime.device=cuda, but this terse is built against a LibTorch without CUDA: build "
        "against PyTorch's CUDA LibTorch (CMAKE_PREFIX_PATH) or use runtime.device=cpu");
  }
  if (!rank_has_gpu) {
    return absl::FailedPreconditionError(absl::StrCat(
        "runtime.device=cuda, but LOCAL_RANK=", local_rank, " has no GPU (", gpus.count,
        " visible): start at most one rank per GPU, or check CUDA_VISIBLE_DEVICES"));
  }
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(local_rank));
}

}  // namespace terse
