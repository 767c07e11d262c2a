#include "core/cpu_usage.h"

#include <sys/resource.h>

namespace terse {
namespace {

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
}

}  // namespace

CpuUsage read_cpu_usage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return CpuUsage{seconds(usage.ru_utime), seconds(usage.ru_stime),
                  static_cast<int64_t>(usage.ru_minflt) + static_cast<int64_t>(usage.ru_majflt)};
}

CpuUsage operator-(const CpuUsage& later, const CpuUsage& earlier) {
  return CpuUsage{later.user_s - earlier.user_s, later.sys_s - earlier.sys_s,
                  later.page_faults - earlier.page_faults};
}

Metrics CpuMeter::lap() {
  const CpuUsage now = read_cpu_usage();
  const CpuUsage used = now - last_;
  last_ = now;
  return Metrics{{"time/cpu_user_s", used.user_s},
                 {"time/cpu_sys_s", used.sys_s},
                 {"time/page_faults", static_cast<double>(used.page_faults)}};
}

}  // namespace terse
