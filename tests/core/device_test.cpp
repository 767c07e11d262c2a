#include "core/device.h"

#include "core/status.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("auto takes the rank's GPU when there is one, else the CPU", "[device]") {
  const GpuAvailability two_gpus{true, 2};
  CHECK(select_device(Device::kAuto, 1, two_gpus).value() == c10::Device(c10::kCUDA, 1));
  CHECK(select_device(Device::kAuto, 2, two_gpus).value() == c10::Device(c10::kCPU));
  CHECK(select_device(Device::kAuto, 0, GpuAvailability{}).value() == c10::Device(c10::kCPU));
  CHECK(select_device(Device::kCpu, 0, two_gpus).value() == c10::Device(c10::kCPU));
  CHECK(select_device(Device::kCuda, 0, two_gpus).value() == c10::Device(c10::kCUDA, 0));
}

TEST_CASE("cuda without a GPU for the rank is a clear input error", "[device]") {
  const auto no_cuda = select_device(Device::kCuda, 0, GpuAvailability{});
  REQUIRE_FALSE(no_cuda.ok());
  CHECK(exit_code_for(no_cuda.status()) == kExitInputError);
  CHECK_THAT(std::string(no_cuda.status().message()), Catch::Contains("without CUDA"));
  const auto too_few = select_device(Device::kCuda, 3, GpuAvailability{true, 2});
  REQUIRE_FALSE(too_few.ok());
  CHECK_THAT(std::string(too_few.status().message()), Catch::Contains("LOCAL_RANK=3 has no GPU"));
}

TEST_CASE("this build reports what it was compiled with", "[device]") {
  const GpuAvailability gpus = gpu_availability();
#ifdef TERSE_WITH_CUDA
  CHECK(gpus.compiled);
#else
  CHECK_FALSE(gpus.compiled);
  CHECK(gpus.count == 0);
#endif
}

}  // namespace
}  // namespace terse
