#include "trainer/spike_detector.h"

#include <cmath>

namespace terse {

std::optional<double> SpikeDetector::add(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  std::optional<double> z;
  if (values_.size() * 2 >= window_ && !values_.empty()) {
    double mean = 0;
    for (const double v : values_) mean += v;
    mean /= static_cast<double>(values_.size());
    double variance = 0;
    for (const double v : values_) variance += (v - mean) * (v - mean);
    const double std = std::sqrt(variance / static_cast<double>(values_.size()));
    if (std > 0) z = (value - mean) / std;
  }
  values_.push_back(value);
  if (values_.size() > window_) values_.pop_front();
  return z;
}

}  // namespace terse
