// The summary of a sweep directory: one row per run with its axis values, how it ended and its
// final evaluation figures (summary.csv, summary.md), and accuracy against mean tokens with the
// Pareto front (pareto.svg).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace terse {

inline constexpr char kSweepSummaryCsv[] = "summary.csv";
inline constexpr char kSweepSummaryMd[] = "summary.md";
inline constexpr char kSweepParetoSvg[] = "pareto.svg";

// The metrics whose final values a summary shows (the training layer names them: for terse's
// runs, trainer/metric_registry.h). The Pareto chart plots `accuracy` against `length`.
struct SummaryMetrics {
  std::string accuracy;
  std::string length;
  std::string tokens_per_correct;
};

// One run of the summary.
struct SweepRow {
  std::string name;
  std::vector<std::string> values;           // one per axis key, as shown in names
  std::string status;                        // "done", "failed (exit N)" or "not finished"
  std::optional<double> seconds;             // wall time of the recorded attempt
  std::optional<double> accuracy;            // last value of SummaryMetrics::accuracy
  std::optional<double> length_mean;         // last value of SummaryMetrics::length (tokens)
  std::optional<double> tokens_per_correct;  // last value of SummaryMetrics::tokens_per_correct
};

// The indices of the points (x = tokens, y = accuracy) on the Pareto front: those that no other
// point matches or beats on both (as few tokens, as much accuracy) while beating it on one.
// Sorted by tokens, ascending; points with a non-finite coordinate are left out.
std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& points);

// Reads a sweep directory's plan, state and each run's metrics.jsonl into rows.
absl::StatusOr<std::vector<SweepRow>> read_sweep_rows(const std::filesystem::path& sweep_dir,
                                                      const SummaryMetrics& metrics,
                                                      std::vector<std::string>* keys);

// The tables and the chart. `keys` name the value columns.
std::string sweep_summary_csv(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                              const std::vector<SweepRow>& rows);
std::string sweep_summary_md(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                             const std::vector<SweepRow>& rows);
std::string sweep_pareto_svg(const std::vector<SweepRow>& rows, const SummaryMetrics& metrics);

// Writes summary.csv, summary.md and pareto.svg into `sweep_dir`.
absl::Status write_sweep_summary(const std::filesystem::path& sweep_dir,
                                 const SummaryMetrics& metrics);

}  // namespace terse
