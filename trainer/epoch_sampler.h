// The order in which SFT reads its training examples: epoch after epoch, each a fresh shuffle of
// all of them. The position is one number (examples handed out so far), so a checkpoint that
// saves it resumes the exact same order.
#pragma once

#include <cstdint>
#include <vector>

namespace terse {

class EpochSampler {
 public:
  // Shuffles `size` (> 0) indices per epoch from `seed`; starts after `cursor` examples.
  EpochSampler(int64_t size, uint64_t seed, int64_t cursor = 0);

  // The next `count` indices, continuing into the next epoch's order at the end of one.
  std::vector<int64_t> next(int64_t count);
  // Examples handed out so far (across epochs).
  int64_t cursor() const { return cursor_; }

 private:
  // The order of epoch `epoch`: a permutation of [0, size) fixed by (seed, epoch).
  void shuffle_epoch(int64_t epoch);

  int64_t size_;
  uint64_t seed_;
  int64_t cursor_;
  int64_t epoch_ = -1;  // epoch whose order is in order_
  std::vector<int64_t> order_;
};

}  // namespace terse
