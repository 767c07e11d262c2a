#include "core/sweep_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/file_util.h"
#include "core/run_report.h"
#include "core/status.h"
#include "core/svg_plot.h"
#include "core/sweep_state.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

std::string figure(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.6g", *value) : "";
}

// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

std::string md_cell(const std::string& text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

// Every column of a row, as text: name, values, status, seconds, figures.
std::vector<std::string> cells_of(const SweepRow& row) {
  std::vector<std::string> cells = {row.name};
  cells.insert(cells.end(), row.values.begin(), row.values.end());
  for (const std::string& cell :
       {row.status, row.seconds ? absl::StrFormat("%.1f", *row.seconds) : std::string(),
        figure(row.accuracy), figure(row.length_mean), figure(row.tokens_per_correct)}) {
    cells.push_back(cell);
  }
  return cells;
}

std::vector<std::string> header_of(const std::vector<std::string>& keys,
                                   const SummaryMetrics& metrics) {
  std::vector<std::string> header = {"run"};
  header.insert(header.end(), keys.begin(), keys.end());
  for (const std::string& column : {std::string("status"), std::string("seconds"), metrics.accuracy,
                                    metrics.length, metrics.tokens_per_correct}) {
    header.push_back(column);
  }
  return header;
}

std::string status_text(const SweepRunState& state) {
  return state.status == SweepRunStatus::kDone
             ? "done"
             : absl::StrCat("failed (exit ", state.exit_code, ")");
}

}  // namespace

std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isfinite(points[i].first) && std::isfinite(points[i].second)) order.push_back(i);
  }
  // Fewest tokens first; among equal tokens, most accurate first. Walking that order, a point is
  // on the front when it is more accurate than every point before it (or ties the last one
  // exactly, which is not beaten either).
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].first != points[b].first) return points[a].first < points[b].first;
    if (points[a].second != points[b].second) return points[a].second > points[b].second;
    return a < b;
  });
  std::vector<size_t> front;
  for (const size_t i : order) {
    if (front.empty() || points[i].second > points[front.back()].second ||
        points[i] == points[front.back()]) {
      front.push_back(i);
    }
  }
  return front;
}

absl::StatusOr<std::vector<SweepRow>> read_sweep_rows(const fs::path& sweep_dir,
                                                      const SummaryMetrics& metrics,
                                                      std::vector<std::string>* keys) {
  TERSE_ASSIGN_OR_RETURN(const SweepSpec plan, read_sweep_plan(sweep_dir));
  TERSE_ASSIGN_OR_RETURN(const auto states, read_sweep_state(sweep_dir));
  keys->clear();
  for (const SweepKey& key : plan.keys) keys->push_back(key.path);
  std::vector<SweepRow> rows;
  for (const SweepRun& run : plan.runs) {
    SweepRow row;
    row.name = run.name;
    for (const SweepValue& value : run.values) row.values.push_back(value.text);
    const auto state = states.find(run.name);
    row.status = state == states.end() ? "not finished" : status_text(state->second);
    if (state != states.end()) row.seconds = state->second.seconds;
    const auto curves = read_run_curves(sweep_dir / run.name);
    if (curves.ok()) {
      row.accuracy = final_metric(*curves, metrics.accuracy);
      row.length_mean = final_metric(*curves, metrics.length);
      row.tokens_per_correct = final_metric(*curves, metrics.tokens_per_correct);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string sweep_summary_csv(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                              const std::vector<SweepRow>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    return absl::StrCat(absl::StrJoin(cells, ",",
                                      [](std::string* out, const std::string& cell) {
                                        out->append(csv_field(cell));
                                      }),
                        "\n");
  };
  std::string csv = line(header_of(keys, metrics));
  for (const SweepRow& row : rows) csv += line(cells_of(row));
  return csv;
}

std::string sweep_summary_md(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                             const std::vector<SweepRow>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    return absl::StrCat("| ",
                        absl::StrJoin(cells, " | ",
                                      [](std::string* out, const std::string& cell) {
                                        out->append(md_cell(cell));
                                      }),
                        " |\n");
  };
  const std::vector<std::string> header = header_of(keys, metrics);
  std::string md = line(header);
  md += line(std::vector<std::string>(header.size(), "---"));
  for (const SweepRow& row : rows) md += line(cells_of(row));
  return md;
}

std::string sweep_pareto_svg(const std::vector<SweepRow>& rows, const SummaryMetrics& metrics) {
  std::vector<PlotPoint> points;
  std::vector<std::pair<double, double>> xy;
  for (const SweepRow& row : rows) {
    if (!row.accuracy || !row.length_mean) continue;
    points.push_back({*row.length_mean, *row.accuracy, row.name});
    xy.emplace_back(*row.length_mean, *row.accuracy);
  }
  std::vector<std::pair<double, double>> front;
  for (const size_t i : pareto_front(xy)) front.push_back(xy[i]);
  PlotOptions options;
  options.title = points.empty() ? "accuracy against mean tokens (no run has evaluated yet)"
                                 : "accuracy against mean tokens; the line is the Pareto front";
  options.x_label = metrics.length + " (tokens)";
  options.y_label = metrics.accuracy;
  options.width = 640;
  options.height = 400;
  return svg_scatter_chart(points, front, options);
}

absl::Status write_sweep_summary(const fs::path& sweep_dir, const SummaryMetrics& metrics) {
  std::vector<std::string> keys;
  TERSE_ASSIGN_OR_RETURN(const std::vector<SweepRow> rows,
                         read_sweep_rows(sweep_dir, metrics, &keys));
  TERSE_RETURN_IF_ERROR(
      write_file_atomically(sweep_dir / kSweepSummaryCsv, sweep_summary_csv(keys, metrics, rows)));
  TERSE_RETURN_IF_ERROR(
      write_file_atomically(sweep_dir / kSweepSummaryMd, sweep_summary_md(keys, metrics, rows)));
  return write_file_atomically(sweep_dir / kSweepParetoSvg, sweep_pareto_svg(rows, metrics));
}

}  // namespace terse
