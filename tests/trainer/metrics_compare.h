// Comparing metrics.jsonl files of runs that must agree (resumed and uninterrupted, colocated
// and disaggregated): everything but the time-dependent keys.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "tests/catch.h"

namespace terse::testing {

using MetricsLines = std::vector<std::pair<int64_t, Metrics>>;

// Every line with its step as a key and without its time-dependent keys (time/*, tokens_per_s).
inline std::vector<Metrics> without_timing(const MetricsLines& lines) {
  std::vector<Metrics> out;
  for (const auto& [step, metrics] : lines) {
    Metrics kept;
    for (const auto& [key, value] : metrics) {
      if (key.rfind("time/", 0) != 0 && key != "tokens_per_s") kept[key] = value;
    }
    kept["step"] = static_cast<double>(step);
    out.push_back(kept);
  }
  return out;
}

// Checks, line by line, that `actual` holds every key of `expected` but the time-dependent ones,
// with the same value; it may hold more (the evaluation a shorter first half ends with).
inline void check_metrics_cover(const MetricsLines& expected, const MetricsLines& actual) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("step " << expected[i].first);
    CHECK(actual[i].first == expected[i].first);
    const std::vector<Metrics> wanted = without_timing({expected[i]});
    for (const auto& [key, value] : wanted.front()) {
      if (key == "step") continue;
      INFO(key);
      REQUIRE(actual[i].second.count(key) == 1);
      CHECK(actual[i].second.at(key) == value);
    }
  }
}

}  // namespace terse::testing
