// Where a rank's tensors live: `runtime.device` (auto | cpu | cuda) and LOCAL_RANK decide.
#pragma once

#include <c10/core/Device.h>
#include <cstdint>

#include "absl/status/statusor.h"
#include "core/run_config.h"

namespace terse {

// The GPUs this process sees: its LibTorch build (CUDA or not) and the visible device count.
struct GpuAvailability {
  bool compiled = false;  // LibTorch was built with CUDA
  int64_t count = 0;      // visible GPUs
};

// What the running LibTorch and machine offer.
GpuAvailability gpu_availability();

// cuda:LOCAL_RANK when `device` is cuda, or auto with a GPU for this rank; cpu when `device` is
// cpu, or auto without one. FailedPrecondition when cuda is asked for and LibTorch has no CUDA,
// no GPU is visible, or LOCAL_RANK has no GPU of its own.
absl::StatusOr<c10::Device> select_device(Device device, int64_t local_rank,
                                          const GpuAvailability& gpus);

}  // namespace terse
