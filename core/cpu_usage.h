// Where a process's CPU time goes: user and kernel seconds and page faults (getrusage), so each
// training step can report them and a slow machine shows why it is slow.
#pragma once

#include <cstdint>

#include "core/metrics.h"

namespace terse {

// This process's totals since it started (all threads).
struct CpuUsage {
  double user_s = 0;        // CPU seconds in user code
  double sys_s = 0;         // CPU seconds in the kernel on the process's behalf
  int64_t page_faults = 0;  // minor + major page faults
};

// The totals now.
CpuUsage read_cpu_usage();

// `later` minus `earlier`, field by field.
CpuUsage operator-(const CpuUsage& later, const CpuUsage& earlier);

// Measures the process between laps: each lap() returns what was used since the last one (or
// since construction) as the metrics time/cpu_user_s, time/cpu_sys_s and time/page_faults.
class CpuMeter {
 public:
  CpuMeter() : last_(read_cpu_usage()) {}
  Metrics lap();

 private:
  CpuUsage last_;
};

}  // namespace terse
