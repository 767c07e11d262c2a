// Rng: fixed output for a seed (so problems are the same everywhere), ranges, frequencies.
#include "data/rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("SplitMix64 gives its published first outputs", "[rng]") {
  // Reference values of SplitMix64 seeded with 1234567 (from the reference C implementation).
  Rng rng(1234567);
  CHECK(rng.next() == 6457827717110365317ULL);
  CHECK(rng.next() == 3203168211198807973ULL);
  CHECK(rng.next() == 9817491932198370423ULL);
}

TEST_CASE("streams of one seed differ, and each repeats itself", "[rng]") {
  Rng a(7, 1);
  Rng b(7, 2);
  Rng c(7, 1);
  int equal = 0;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    equal += x == b.next();
    CHECK(x == c.next());
  }
  CHECK(equal == 0);
}

TEST_CASE("uniform stays in range and hits every value about equally", "[rng]") {
  Rng rng(11);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const int64_t x = rng.uniform(-3, 3);
    REQUIRE(x >= -3);
    REQUIRE(x <= 3);
    ++counts[x + 3];
  }
  // Each count is Binomial(70000, 1/7): mean 10000, standard deviation 92.6.
  for (const int count : counts) CHECK(std::abs(count - 10000) < 500);
  CHECK(rng.uniform(5, 5) == 5);
}

TEST_CASE("bernoulli matches its probability; shuffle permutes", "[rng]") {
  Rng rng(12);
  int heads = 0;
  for (int i = 0; i < 100000; ++i) heads += rng.bernoulli(0.3);
  CHECK(std::abs(heads - 30000) < 750);  // standard deviation 145
  CHECK_FALSE(rng.bernoulli(0.0));
  CHECK(rng.bernoulli(1.0));
  std::vector<int> items(50);
  std::iota(items.begin(), items.end(), 0);
  std::vector<int> shuffled = items;
  rng.shuffle(shuffled);
  CHECK(shuffled != items);
  std::sort(shuffled.begin(), shuffled.end());
  CHECK(shuffled == items);
}

}  // namespace
}  // namespace terse
