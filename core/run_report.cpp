#include "core/run_report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/metrics_log.h"
#include "core/status.h"
#include "core/svg_plot.h"

namespace terse {

namespace fs = std::filesystem;

absl::StatusOr<RunCurves> read_run_curves(const fs::path& run_dir) {
  TERSE_ASSIGN_OR_RETURN(auto rows, read_metrics_log(run_dir / kMetricsFile));
  fs::path name = run_dir;
  if (name.filename().empty()) name = name.parent_path();  // "runs/a/" names "a"
  return RunCurves{name.filename().string(), std::move(rows)};
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
  PlotSeries series{run.name, {}};
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

std::string run_report_html(const std::vector<RunCurves>& runs,
                            const std::vector<std::string>& metrics, const std::string& title,
                            const std::string& intro_html) {
  std::string charts;
  std::vector<std::string> shown;
  for (const std::string& metric : metrics) {
    std::vector<PlotSeries> series;
    for (const RunCurves& run : runs) {
      PlotSeries s = series_of(run, metric);
      if (!s.points.empty()) series.push_back(std::move(s));
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
