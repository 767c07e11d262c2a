#include "models/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "core/machine_info.h"

// LibTorch 2.4 replaced the per-device autocast setters with ones that take the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TERSE_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace terse {
namespace {

bool autocast_enabled(c10::DeviceType type) {
#ifdef TERSE_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

c10::ScalarType autocast_dtype(c10::DeviceType type) {
#ifdef TERSE_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype()
                                      : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_autocast(c10::DeviceType type, bool enabled, c10::ScalarType dtype) {
#ifdef TERSE_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, dtype);
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::DeviceType::CPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  }
#endif
}

}  // namespace

bool uses_bf16_autocast(const ModelConfig& config, c10::Device device) {
  if (config.dtype == DType::kBFloat16) return false;
  switch (config.compute_dtype) {
    case ComputeDType::kFloat32:
      return false;
    case ComputeDType::kBFloat16:
      return true;
    case ComputeDType::kAuto:
      return device.is_cuda() || cpu_has_native_bf16();
  }
  return false;
}

AutocastGuard::AutocastGuard(c10::Device device, bool enabled)
    : enabled_(enabled), type_(device.type()) {
  if (!enabled_) return;
  was_enabled_ = autocast_enabled(type_);
  old_dtype_ = autocast_dtype(type_);
  set_autocast(type_, true, c10::ScalarType::BFloat16);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!enabled_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast(type_, was_enabled_, old_dtype_);
}

}  // namespace terse
