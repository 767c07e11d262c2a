// Comparing metrics.jsonl files of runs that must agree (resumed and uninterrupted, colocated
// and disaggregated): everything but the time-dependent keys.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "tests/catch.h"

namespace terse::testing {

using MetricsLines = std::vector<std::pair<int64_t, Metrics>>;

// Whether a metric depends on how fast the machine ran (time/*, tokens_per_s).
inline bool is_timing_key(const std::string& key) {
  return key.rfind("time/", 0) == 0 || key == "tokens_per_s";
}

// Every line with its step as a key and without its time-dependent keys.
inline std::vector<Metrics> without_timing(const MetricsLines& lines) {
  std::vector<Metrics> out;
  for (const auto& [step, metrics] : lines) {
    Metrics kept;
    for (const auto& [key, value] : metrics) {
      if (!is_timing_key(key)) kept[key] = value;
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
    for (const auto& [key, value] : expected[i].second) {
      if (is_timing_key(key)) continue;
      INFO(key);
      REQUIRE(actual[i].second.count(key) == 1);
      CHECK(actual[i].second.at(key) == value);
    }
  }
}

}  // namespace terse::testing
