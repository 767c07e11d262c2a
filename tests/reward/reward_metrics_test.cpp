#include "reward/reward_metrics.h"

#include <map>
#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

RewardSample sample(bool correct, int64_t tokens) {
  RewardSample s;
  s.correct = correct;
  s.completion_tokens = tokens;
  return s;
}

TEST_CASE("nearest-rank percentiles", "[metrics]") {
  // n = 4: p50 is the ceil(2)-th = 2nd smallest; p90 the ceil(3.6)-th = 4th.
  CHECK(nearest_rank_percentile({4, 1, 3, 2}, 50) == 2);
  CHECK(nearest_rank_percentile({4, 1, 3, 2}, 90) == 4);
  CHECK(nearest_rank_percentile({7}, 50) == 7);
  CHECK(nearest_rank_percentile({}, 50) == 0);
}

TEST_CASE("summarize_rewards: term means, lengths and tokens per correct answer", "[metrics]") {
  const std::vector<RewardSample> samples = {sample(true, 10), sample(false, 20), sample(true, 30),
                                             sample(false, 40), sample(false, 100)};
  const std::vector<RewardBreakdown> b = {
      {1, 1, -0.1, 1.9}, {0, 1, -0.2, 0.8}, {1, 0, -0.3, 0.7}, {0, 0, -0.4, -0.4}, {0, 1, -1, 0}};
  const RewardMetrics m = summarize_rewards(samples, b);
  CHECK(m.samples == 5);
  CHECK(m.correct == 2);
  CHECK(m.accuracy == Approx(0.4));           // 2 / 5
  CHECK(m.format_mean == Approx(0.6));        // 3 / 5
  CHECK(m.length_term_mean == Approx(-0.4));  // -2.0 / 5
  CHECK(m.total_mean == Approx(0.6));         // 3.0 / 5
  CHECK(m.length_mean == Approx(40));         // 200 / 5
  CHECK(m.length_p50 == 30);                  // ceil(2.5) = 3rd
  CHECK(m.length_p90 == 100);                 // ceil(4.5) = 5th
  CHECK(m.length_max == 100);
  REQUIRE(m.tokens_per_correct.has_value());
  CHECK(*m.tokens_per_correct == Approx(100));  // 200 tokens / 2 correct
}

TEST_CASE("no correct answer leaves tokens per correct answer out", "[metrics]") {
  const RewardMetrics m = summarize_rewards({sample(false, 8)}, {{0, 0, 0, 0}});
  CHECK_FALSE(m.tokens_per_correct.has_value());
  const RewardMetrics empty = summarize_rewards({}, {});
  CHECK(empty.samples == 0);
  CHECK(empty.length_mean == 0);
}

}  // namespace
}  // namespace terse
