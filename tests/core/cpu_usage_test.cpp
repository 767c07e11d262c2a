#include "core/cpu_usage.h"

#include <sys/mman.h>
#include <time.h>

#include <catch2/catch.hpp>
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
  // Busy until the process has used 0.2 s of CPU by an independent clock (however loaded the
  // machine is), then compare with getrusage's count.
  const auto cpu_seconds = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  };
  CpuMeter meter;
  const double start = cpu_seconds();
  volatile double sink = 0;
  while (cpu_seconds() - start < 0.2) {
    for (int i = 0; i < 100000; ++i) sink = sink + 1;  // user work between the clock's syscalls
  }
  const Metrics used = meter.lap();
  CHECK(used.at("time/cpu_user_s") + used.at("time/cpu_sys_s") == Approx(0.2).margin(0.05));
  CHECK(used.at("time/cpu_user_s") > 0.1);  // a loop of additions is user time
}

TEST_CASE("kept freed memory is reused without page faults", "[cpu][allocator]") {
  // Without the settings, glibc maps a 64 MiB block fresh each time: 256 faults per MiB.
  CHECK_THAT(retain_freed_memory(), Catch::Contains("freed memory kept"));
  CHECK(allocation_faults_per_mib() < 8);
}

}  // namespace
}  // namespace terse
