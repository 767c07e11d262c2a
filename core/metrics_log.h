// metrics.jsonl: one JSON object per step, {"step": N, "<metric>": value, ...}, flushed per line
// so a killed run loses nothing it has reported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/metrics.h"

namespace terse {

inline constexpr char kMetricsFile[] = "metrics.jsonl";

class MetricsLog {
 public:
  // Opens `path` for appending. With `resume_step`, keeps only the lines whose step is at most
  // that (a resumed run rewrites the steps after its checkpoint, so the file equals an
  // uninterrupted run's); without it, starts the file afresh.
  static absl::StatusOr<MetricsLog> open(const std::filesystem::path& path,
                                         std::optional<int64_t> resume_step);

  // Appends one line for `step` and flushes it. Non-finite values are written as null.
  absl::Status write(int64_t step, const Metrics& metrics);

 private:
  explicit MetricsLog(std::filesystem::path path);
  std::filesystem::path path_;
  std::ofstream out_;
};

// The lines of a metrics.jsonl file: (step, metrics) in file order.
using MetricsLogLines = std::vector<std::pair<int64_t, Metrics>>;

// Reads every line of a metrics.jsonl file back.
absl::StatusOr<MetricsLogLines> read_metrics_log(const std::filesystem::path& path);

}  // namespace terse
