// The summary of a sweep directory: one row per run with its axis values, how it ended and its
// final evaluation figures (summary.csv, summary.md), and accuracy against mean tokens with the
// Pareto front (pareto.svg).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
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
inline constexpr char kSweepSeedsMd[] = "summary_seeds.md";
// The axis whose runs are repeats of one configuration: with it, summaries add mean ± std over
// seeds and the Pareto chart plots each configuration's mean with error bars.
inline constexpr char kSeedAxis[] = "run.seed";

// The metrics whose final values a summary shows (the training layer names them: for terse's
// runs, trainer/metric_registry.h). The Pareto chart plots `accuracy` against `length`.
struct SummaryMetrics {
  std::string accuracy;
  std::string length;
  std::string tokens_per_correct;
};

// terse's own: eval/accuracy, eval/length_mean, eval/tokens_per_correct.
SummaryMetrics summary_metrics();

// One run of the summary.
struct SweepRow {
  std::string name;
  std::vector<std::string> values;              // one per axis key, as shown in names
  std::string status;                           // "done", "failed (exit N)" or "not finished"
  std::optional<double> seconds;                // wall time of the recorded attempt
  std::optional<double> accuracy;               // last value of SummaryMetrics::accuracy
  std::optional<double> length_mean;            // last value of SummaryMetrics::length (tokens)
  std::optional<double> tokens_per_correct;     // last value of SummaryMetrics::tokens_per_correct
  std::map<int64_t, double> length_by_level;    // last SummaryMetrics::length + "@L", per level L
  std::map<int64_t, double> accuracy_by_level;  // last SummaryMetrics::accuracy + "@L"
};

// Mean and sample standard deviation (n − 1; 0 for one value) of a figure over the seeds that
// reported it.
struct SeedStat {
  int64_t n = 0;
  double mean = 0;
  double std = 0;
};
SeedStat seed_stat(const std::vector<double>& values);

// The runs of a sweep that differ only in their kSeedAxis value, taken together.
struct SeedGroup {
  std::string name;                 // the other axes' values joined by " ", or "all"
  std::vector<std::string> values;  // one per axis key other than kSeedAxis
  int64_t runs = 0;                 // runs in the group, finished or not
  SeedStat accuracy, length_mean, tokens_per_correct;
  std::map<int64_t, SeedStat> length_by_level;
  std::map<int64_t, SeedStat> accuracy_by_level;
};

// The groups of `rows` (keys as read_sweep_rows gives them), in order of first appearance;
// empty when no key is kSeedAxis.
std::vector<SeedGroup> group_over_seeds(const std::vector<std::string>& keys,
                                        const std::vector<SweepRow>& rows);
// summary_seeds.md: one row per group, "mean ± std (n)" per figure, tokens and accuracy per level.
std::string sweep_seeds_md(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                           const std::vector<SeedGroup>& groups);
// pareto.svg over groups: each group's mean with ±std error bars, the front through the means.
std::string seed_pareto_svg(const std::vector<SeedGroup>& groups, const SummaryMetrics& metrics);

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

// Writes summary.csv, summary.md and pareto.svg into `sweep_dir`; with a kSeedAxis axis also
// summary_seeds.md, and pareto.svg shows the groups' means with error bars.
absl::Status write_sweep_summary(const std::filesystem::path& sweep_dir,
                                 const SummaryMetrics& metrics);

}  // namespace terse
