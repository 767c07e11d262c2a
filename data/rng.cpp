#include "data/rng.h"

namespace terse {
namespace {

// The SplitMix64 output function: a bijective avalanche of one word.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(uint64_t seed, uint64_t stream) : state_(mix(seed) ^ mix(~stream)) {}

uint64_t Rng::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix(state_);
}

int64_t Rng::uniform(int64_t lo, int64_t hi) {
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  if (range == 0) return static_cast<int64_t>(next());  // the whole 64-bit range
  // Reject the lowest (2^64 mod range) values so that every residue is equally likely.
  const uint64_t threshold = (0 - range) % range;
  uint64_t x = next();
  while (x < threshold) x = next();
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + x % range);
}

size_t Rng::weighted_index(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double u = static_cast<double>(next() >> 11) * 0x1.0p-53 * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  // Rounding can leave u at the very top: the last index with weight.
  size_t last = weights.size() - 1;
  while (last > 0 && weights[last] <= 0) --last;
  return last;
}

bool Rng::bernoulli(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
}

}  // namespace terse
