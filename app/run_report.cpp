#include "app/run_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "app/svg_plot.h"
#include "core/metrics_log.h"
#include "core/status.h"

namespace terse {

namespace fs = std::filesystem;

std::string run_name(const fs::path& run_dir) {
  const fs::path name = run_dir.filename().empty() ? run_dir.parent_path() : run_dir;
  return name.filename().string();
}

absl::StatusOr<RunCurves> read_run_curves(const fs::path& run_dir) {
  TERSE_ASSIGN_OR_RETURN(auto rows, read_metrics_log(run_dir / kMetricsFile));
  return RunCurves{run_name(run_dir), std::move(rows)};
}

std::optional<double> final_metric(const RunCurves& run, const std::string& metric) {
  for (auto row = run.rows.rbegin(); row != run.rows.rend(); ++row) {
    const auto found = row->second.find(metric);
    if (found != row->second.end() && std::isfinite(found->second)) return found->second;
  }
  return std::nullopt;
}

namespace {

PlotSeries series_of(const RunCurves& run, const std::string& metric) {
  PlotSeries series;
  series.name = run.name;
  for (const auto& [step, metrics] : run.rows) {
    const auto found = metrics.find(metric);
    if (found != metrics.end()) {
      series.points.emplace_back(static_cast<double>(step), found->second);
    }
  }
  return series;
}

// The last value each run reported for `metric`, or "" when it never did.
std::string final_value(const RunCurves& run, const std::string& metric) {
  const std::optional<double> value = final_metric(run, metric);
  return value ? absl::StrFormat("%.4g", *value) : "";
}

std::string final_table(const std::vector<RunCurves>& runs, const std::vector<std::string>& shown) {
  std::string html = "<table>\n<tr><th>run</th><th>steps</th>";
  for (const std::string& metric : shown) {
    absl::StrAppend(&html, "<th>", xml_escape(metric), "</th>");
  }
  html += "</tr>\n";
  for (const RunCurves& run : runs) {
    const int64_t last = run.rows.empty() ? 0 : run.rows.back().first;
    absl::StrAppend(&html, "<tr><td>", xml_escape(run.name), "</td><td>", last, "</td>");
    for (const std::string& metric : shown) {
      absl::StrAppend(&html, "<td>", final_value(run, metric), "</td>");
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

PlotSeries seed_band(const std::vector<RunCurves>& runs, const std::string& metric) {
  std::map<int64_t, std::vector<double>> by_step;  // step -> each run's value, in run order
  for (const RunCurves& run : runs) {
    for (const auto& [step, metrics] : run.rows) {
      const auto found = metrics.find(metric);
      if (found != metrics.end() && std::isfinite(found->second)) {
        by_step[step].push_back(found->second);
      }
    }
  }
  PlotSeries series{absl::StrCat("mean of ", runs.size(), " runs, band min-max"), {}, {}};
  for (const auto& [step, values] : by_step) {
    if (values.size() != runs.size()) continue;  // a step some run did not report
    const double mean =
        std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    series.points.emplace_back(static_cast<double>(step), mean);
    series.band.emplace_back(*low, *high);
  }
  return series;
}

std::string run_report_html(const std::vector<RunCurves>& runs,
                            const std::vector<std::string>& metrics, const std::string& title,
                            const std::string& intro_html, bool band) {
  std::string charts;
  std::vector<std::string> shown;
  for (const std::string& metric : metrics) {
    std::vector<PlotSeries> series;
    if (band) {
      PlotSeries s = seed_band(runs, metric);
      if (!s.points.empty()) series.push_back(std::move(s));
    } else {
      for (const RunCurves& run : runs) {
        PlotSeries s = series_of(run, metric);
        if (!s.points.empty()) series.push_back(std::move(s));
      }
    }
    if (series.empty()) continue;
    shown.push_back(metric);
    PlotOptions options;
    options.title = metric;
    options.y_label = metric;
    absl::StrAppend(&charts, "<figure>\n", svg_line_chart(series, options), "</figure>\n");
  }
  return absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>", xml_escape(title),
      "</title>\n<style>body{font-family:sans-serif;margin:24px}figure{display:inline-block;"
      "margin:8px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
      "text-align:right}</style></head>\n<body>\n<h1>",
      xml_escape(title), "</h1>\n", intro_html, charts, "<h2>Final values</h2>\n",
      final_table(runs, shown), "</body></html>\n");
}

}  // namespace terse
