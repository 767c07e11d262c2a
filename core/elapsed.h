// Wall-clock durations for progress lines and the time/* metrics, on the steady clock.
#pragma once

#include <chrono>

namespace terse {

// Seconds elapsed since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace terse
