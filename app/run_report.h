// A self-contained HTML report of one or more runs: a chart per metric with the runs' curves
// overlaid (inline SVG), and a table of each run's final values. Opens offline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "app/svg_plot.h"
#include "core/metrics.h"

namespace terse {

// One run's metrics.jsonl, named after its directory.
struct RunCurves {
  std::string name;
  std::vector<std::pair<int64_t, Metrics>> rows;  // (step, metrics) in file order
};

// A run's name: its directory's last component ("runs/a/" names "a").
std::string run_name(const std::filesystem::path& run_dir);

// Reads `run_dir`/metrics.jsonl. NotFound naming the file when it is missing.
absl::StatusOr<RunCurves> read_run_curves(const std::filesystem::path& run_dir);

// The last finite value the run reported for `metric`; nullopt when it never did.
std::optional<double> final_metric(const RunCurves& run, const std::string& metric);

// `metric` over `runs` taken as seeds of one configuration: at each step that every run
// reported, the mean (the line) and the lowest and highest value (the band).
PlotSeries seed_band(const std::vector<RunCurves>& runs, const std::string& metric);

// The page: a chart for each of `metrics` that some run has, then the final-values table.
// `intro_html` (trusted HTML, may be empty) goes between the title and the charts. With `band`
// the runs are seeds of one configuration: each chart draws their seed_band instead of a line
// per run.
std::string run_report_html(const std::vector<RunCurves>& runs,
                            const std::vector<std::string>& metrics, const std::string& title,
                            const std::string& intro_html = "", bool band = false);

}  // namespace terse
