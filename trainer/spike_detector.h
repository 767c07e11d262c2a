// Loss and gradient-norm spikes: the z-score of each new value against the mean and standard
// deviation of the previous `window` values, so a sudden jump shows in the metrics and the log
// before it shows in the curves.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

namespace terse {

class SpikeDetector {
 public:
  explicit SpikeDetector(size_t window = 20, double threshold = 4.0)
      : window_(window), threshold_(threshold) {}

  // The z-score of `value` against the values seen before it (nullopt until `window` / 2 of
  // them exist, or when they are all equal); then remembers `value`. Non-finite values are
  // neither scored nor remembered.
  std::optional<double> add(double value);
  // Whether a z-score is beyond the threshold (in either direction).
  bool is_spike(double z) const { return z > threshold_ || z < -threshold_; }

 private:
  size_t window_;
  double threshold_;
  std::deque<double> values_;
};

}  // namespace terse
