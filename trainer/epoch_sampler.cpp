#include "trainer/epoch_sampler.h"

#include <numeric>

#include "data/rng.h"

namespace terse {

EpochSampler::EpochSampler(int64_t size, uint64_t seed, int64_t cursor)
    : size_(size), seed_(seed), cursor_(cursor) {}

void EpochSampler::shuffle_epoch(int64_t epoch) {
  order_.resize(static_cast<size_t>(size_));
  std::iota(order_.begin(), order_.end(), 0);
  Rng rng(seed_, static_cast<uint64_t>(epoch));
  rng.shuffle(order_);
  epoch_ = epoch;
}

std::vector<int64_t> EpochSampler::next(int64_t count) {
  std::vector<int64_t> indices;
  indices.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i, ++cursor_) {
    const int64_t epoch = cursor_ / size_;
    if (epoch != epoch_) shuffle_epoch(epoch);
    indices.push_back(order_[static_cast<size_t>(cursor_ % size_)]);
  }
  return indices;
}

}  // namespace terse
