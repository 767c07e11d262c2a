// Length statistics by hand.
#include "data/length_stats.h"

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("mean and nearest-rank percentiles", "[length_stats]") {
  // 1..10 shuffled: mean 5.5; p50 is the ceil(5)th = 5, p90 the ceil(9)th = 9.
  const LengthStats s = summarize_lengths({7, 3, 10, 1, 9, 2, 8, 4, 6, 5});
  CHECK(s.count == 10);
  CHECK(s.mean == Approx(5.5));
  CHECK(s.p50 == 5);
  CHECK(s.p90 == 9);
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  // Three values: p50 is the ceil(1.5) = 2nd, p90 the ceil(2.7) = 3rd.
  const LengthStats t = summarize_lengths({30, 10, 20});
  CHECK(t.p50 == 20);
  CHECK(t.p90 == 30);
  const LengthStats one = summarize_lengths({7});
  CHECK(one.p50 == 7);
  CHECK(one.p90 == 7);
  CHECK(summarize_lengths({}).count == 0);
}

}  // namespace
}  // namespace terse
