#include "reward/length_target.h"

#include <algorithm>
#include <array>

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("l1 targets are uniform over [target_min, target_max] and reproducible", "[l1]") {
  const L1Config config;  // 100 .. 4000, the paper's range
  constexpr int kPrompts = 20000;
  std::array<int, 10> bins{};  // ten bins of 390 values each (the last also holds 4000)
  double sum = 0;
  for (int key = 0; key < kPrompts; ++key) {
    const int64_t n = l1_target_length(config, 7, key);
    REQUIRE(n >= 100);
    REQUIRE(n <= 4000);
    CHECK(n == l1_target_length(config, 7, key));  // a pure function
    bins[std::min<size_t>(static_cast<size_t>((n - 100) / 390), bins.size() - 1)] += 1;
    sum += static_cast<double>(n);
  }
  // Uniform on 100..4000 has mean 2050; each bin expects 2000 of the 20000 draws (a binomial
  // with standard deviation about 42), so 1800..2200 is a margin of nearly five deviations.
  CHECK(sum / kPrompts == Approx(2050).epsilon(0.02));
  for (int count : bins) CHECK((count > 1800 && count < 2200));
  // Another seed gives other targets.
  int same = 0;
  for (int key = 0; key < 100; ++key) {
    same += l1_target_length(config, 7, key) == l1_target_length(config, 8, key) ? 1 : 0;
  }
  CHECK(same < 5);
  // A one-point range has one target.
  CHECK(l1_target_length(L1Config{256, 256, 0.5}, 1, 2) == 256);
}

TEST_CASE("the L1 prompt instruction", "[l1]") {
  CHECK(with_length_instruction("What is 2 + 2?", 512) ==
        "What is 2 + 2?\n\nThink for 512 tokens.");
  CHECK(uses_length_target(PenaltyKind::kL1Exact));
  CHECK(uses_length_target(PenaltyKind::kL1Max));
  CHECK_FALSE(uses_length_target(PenaltyKind::kKimi));
}

}  // namespace
}  // namespace terse
