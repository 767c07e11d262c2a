#include "core/cpu_usage.h"

#include <sys/mman.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>

#include "core/allocator.h"

namespace terse {
namespace {

TEST_CASE("CpuMeter counts the page faults of freshly mapped memory", "[cpu]") {
  constexpr size_t kBytes = size_t{32} << 20;  // 8,192 pages of 4 KiB
  CpuMeter meter;
  void* block = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(block != MAP_FAILED);
  std::memset(block, 1, kBytes);  // the first write to each page faults it in
  const Metrics used = meter.lap();
  munmap(block, kBytes);
  CHECK(used.at("time/page_faults") >= 8192);
  CHECK(used.at("time/cpu_sys_s") >= 0);
  // The next lap starts where this one ended: almost nothing happened since.
  CHECK(meter.lap().at("time/page_faults") < 100);
}

TEST_CASE("CpuMeter counts user time spent computing", "[cpu]") {
  CpuMeter meter;
  const auto start = std::chrono::steady_clock::now();
  volatile double sink = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200)) sink = sink + 1;
  const Metrics used = meter.lap();
  // 0.2 s of a busy loop is mostly user time (the rest is the clock calls in the kernel).
  CHECK(used.at("time/cpu_user_s") + used.at("time/cpu_sys_s") > 0.1);
  CHECK(used.at("time/cpu_user_s") > 0.05);
}

TEST_CASE("kept freed memory is reused without page faults", "[cpu][allocator]") {
  // Without the settings, glibc maps a 64 MiB block fresh each time: 256 faults per MiB.
  CHECK_THAT(retain_freed_memory(), Catch::Contains("freed memory kept"));
  CHECK(allocation_faults_per_mib() < 8);
}

}  // namespace
}  // namespace terse
