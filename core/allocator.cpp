#include "core/allocator.h"

#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/cpu_usage.h"

namespace terse {

std::string retain_freed_memory() {
  const char* choice = std::getenv(kAllocatorEnv);
  if (choice != nullptr && std::string(choice) == "system") {
    return "the C library's defaults (TERSE_ALLOCATOR=system)";
  }
  // Both are needed: a high mmap threshold alone still trims the heap's top after each free, and
  // a high trim threshold alone still maps every block above the (then fixed) mmap threshold.
  const bool ok =
      mallopt(M_MMAP_THRESHOLD, INT_MAX) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1;
  return ok ? "freed memory kept for reuse (malloc mmap and trim thresholds 2 GiB)"
            : "mallopt refused the mmap and trim thresholds; freed memory goes back to the kernel";
}

double allocation_faults_per_mib(int64_t block_bytes, int repeats) {
  const auto bytes = static_cast<size_t>(block_bytes);
  volatile char sink = 0;
  CpuUsage before;
  // The first block may fault in new heap pages whatever the settings: it is not counted.
  for (int i = -1; i < repeats; ++i) {
    if (i == 0) before = read_cpu_usage();
    char* block = static_cast<char*>(std::malloc(bytes));
    if (block == nullptr) return 0.0;
    std::memset(block, i + 1, bytes);
    sink = sink + block[bytes / 2];
    std::free(block);
  }
  const CpuUsage used = read_cpu_usage() - before;
  const double mib = static_cast<double>(block_bytes) * repeats / (1 << 20);
  return static_cast<double>(used.page_faults) / mib;
}

}  // namespace terse
