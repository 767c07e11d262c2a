// A small, portable random stream for problem generation. The standard library's distributions
// differ between implementations, so the built-in tasks draw from this instead: the same seed
// gives the same problems with any compiler and standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace terse {

// SplitMix64 (Steele, Lea and Flood 2014): one 64-bit state word, passes BigCrush.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A stream for (`seed`, `stream`) that does not overlap the streams of other `stream` ids in
  // practice; used to give the train and test splits their own streams.
  Rng(uint64_t seed, uint64_t stream);

  // The next 64 uniformly random bits.
  uint64_t next();
  // A uniform integer in [lo, hi]; expects lo <= hi.
  int64_t uniform(int64_t lo, int64_t hi);
  // True with probability `p` (p <= 0: never, p >= 1: always).
  bool bernoulli(double p);
  // An index drawn with probability weights[i] / sum(weights); expects non-negative weights
  // with a positive sum.
  size_t weighted_index(const std::vector<double>& weights);
  // A uniformly random element index of a container of `size` > 0 elements.
  size_t index(size_t size) {
    return static_cast<size_t>(uniform(0, static_cast<int64_t>(size) - 1));
  }

  // Shuffles `items` uniformly (Fisher-Yates).
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[index(i)]);
  }

 private:
  uint64_t state_;
};

}  // namespace terse
