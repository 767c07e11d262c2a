// Learning-rate schedules, the sample filters (DAPO dynamic sampling, GFPO), spike detection and
// micro-batch splitting by hand.
#include <cmath>

#include "tests/catch.h"
#include "trainer/group_filter.h"
#include "trainer/lr_schedule.h"
#include "trainer/micro_batches.h"
#include "trainer/spike_detector.h"

namespace terse {
namespace {

TEST_CASE("warm-up then constant, linear and cosine decay", "[lr_schedule]") {
  LrScheduleSpec spec;
  spec.warmup_steps = 4;
  spec.total_steps = 14;
  spec.min_ratio = 0.1;
  for (const LrSchedule kind : {LrSchedule::kConstant, LrSchedule::kLinear, LrSchedule::kCosine}) {
    spec.kind = kind;
    CHECK(lr_multiplier(0, spec) == Approx(0.25));  // (0 + 1) / 4
    CHECK(lr_multiplier(2, spec) == Approx(0.75));
    CHECK(lr_multiplier(4, spec) == Approx(1.0));  // decay starts at progress 0
  }
  // Step 9: progress (9 - 4) / (14 - 4) = 0.5.
  spec.kind = LrSchedule::kConstant;
  CHECK(lr_multiplier(9, spec) == Approx(1.0));
  spec.kind = LrSchedule::kLinear;
  CHECK(lr_multiplier(9, spec) == Approx(0.55));  // 1 - 0.9 * 0.5
  CHECK(lr_multiplier(14, spec) == Approx(0.1));
  CHECK(lr_multiplier(20, spec) == Approx(0.1));  // clamped past the end
  spec.kind = LrSchedule::kCosine;
  CHECK(lr_multiplier(9, spec) == Approx(0.55));  // 0.1 + 0.9 * (1 + cos(pi / 2)) / 2
  CHECK(lr_multiplier(6, spec) == Approx(0.1 + 0.9 * (1 + std::cos(M_PI * 0.2)) / 2));
  CHECK(lr_multiplier(14, spec) == Approx(0.1));
}

TEST_CASE("no warm-up starts at the peak", "[lr_schedule]") {
  LrScheduleSpec spec;
  spec.total_steps = 10;
  spec.kind = LrSchedule::kLinear;
  CHECK(lr_multiplier(0, spec) == Approx(1.0));
  CHECK(lr_multiplier(5, spec) == Approx(0.5));  // min_ratio 0: 1 - 0.5
}

TEST_CASE("dynamic sampling drops groups with all-equal rewards", "[group_filter]") {
  // Group 0: rewards 1, 1 (all correct) -> dropped.  Group 1: 0, 1 -> kept.
  // Group 2: 0, 0, 0 -> dropped.  Group 3: a single sample -> dropped (nothing to compare).
  const std::vector<SampleScore> samples = {{0, 1.0, 10}, {1, 0.0, 12}, {0, 1.0, 9}, {2, 0.0, 5},
                                            {1, 1.0, 4},  {2, 0.0, 6},  {2, 0.0, 7}, {3, 0.5, 3}};
  CHECK(keep_informative_groups(samples) ==
        std::vector<bool>{false, true, false, false, true, false, false, false});
}

TEST_CASE("GFPO keeps the k shortest, or the best reward per token", "[group_filter]") {
  // Group 5 is samples 0, 1, 3, 4: lengths 30, 10, 20, 10 with rewards 1, 0, 1, 1.
  //   shortest 2: the two of length 10, samples 1 and 4.
  //   reward/token: 1/30, 0, 1/20, 1/10 -> samples 4 (0.1) and 3 (0.05).
  // Group 6 is samples 2 and 5: k = 2 keeps both.
  const std::vector<SampleScore> samples = {{5, 1.0, 30}, {5, 0.0, 10}, {6, 0.0, 50},
                                            {5, 1.0, 20}, {5, 1.0, 10}, {6, 1.0, 40}};
  CHECK(gfpo_keep(samples, 2, GfpoMetric::kShortest) ==
        std::vector<bool>{false, true, true, false, true, true});
  CHECK(gfpo_keep(samples, 2, GfpoMetric::kRewardPerToken) ==
        std::vector<bool>{false, false, true, true, true, true});
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

TEST_CASE("spike detection: z-scores against the previous window, by hand", "[spikes]") {
  SpikeDetector detector(4, 3.0);
  CHECK_FALSE(detector.add(1.0).has_value());  // nothing to compare with
  CHECK_FALSE(detector.add(3.0).has_value());  // fewer than window / 2 before it
  // Before it: {1, 3}, mean 2, population std 1: z = (4 - 2) / 1 = 2.
  const auto z = detector.add(4.0);
  REQUIRE(z.has_value());
  CHECK(*z == Approx(2.0));
  CHECK_FALSE(detector.is_spike(*z));
  // Before it: {1, 3, 4}, mean 8/3, variance (25/9 + 1/9 + 16/9) / 3 = 42/27: z = (30 - 8/3) /
  // sqrt(42/27) = 21.92.
  const auto spike = detector.add(30.0);
  REQUIRE(spike.has_value());
  CHECK(*spike == Approx((30.0 - 8.0 / 3.0) / std::sqrt(42.0 / 27.0)));
  CHECK(detector.is_spike(*spike));
  CHECK_FALSE(detector.add(std::nan("")).has_value());  // not scored, not remembered
  // The window keeps the last 4: {1, 3, 4, 30} -> {3, 4, 30, 5} after this one.
  detector.add(5.0);
  const auto later = detector.add(10.5);  // mean 10.5 of {3, 4, 30, 5}: z = 0
  REQUIRE(later.has_value());
  CHECK(*later == Approx(0.0).margin(1e-12));
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

TEST_CASE("micro-batches group sequences of similar length", "[micro_batches]") {
  // Budget 220 padded tokens. In input order {10, 100} then {10, 100} would pad 400 tokens; by
  // length {10, 10} (2 x 10) and {100, 100} (2 x 100) pad 220.
  const std::vector<int64_t> lengths = {10, 100, 10, 100};
  const std::vector<std::vector<size_t>> expected = {{0, 2}, {1, 3}};
  CHECK(split_by_token_budget(lengths, 220) == expected);
  // A row joins while rows x its length fit: {3, 4, 5} = 15, then 4 x 60 > 100.
  const std::vector<std::vector<size_t>> mixed = {{2, 0, 3}, {1}};
  CHECK(split_by_token_budget({4, 60, 3, 5}, 100) == mixed);
  // Equal lengths keep their input order; a budget below every length gives one each.
  CHECK(split_by_token_budget({5, 5, 5}, 15) == std::vector<std::vector<size_t>>{{0, 1, 2}});
  CHECK(split_by_token_budget({5, 5, 5}, 14) == std::vector<std::vector<size_t>>{{0, 1}, {2}});
  CHECK(split_by_token_budget({7, 3}, 1) == std::vector<std::vector<size_t>>{{1}, {0}});
}

}  // namespace
}  // namespace terse
