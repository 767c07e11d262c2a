#include "app/sweep_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "app/run_report.h"
#include "app/svg_plot.h"
#include "app/sweep_state.h"
#include "core/file_util.h"
#include "core/status.h"
#include "trainer/metric_registry.h"

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

// Accuracy (y) against mean tokens (x) of `points`, with the Pareto front drawn through them.
std::string pareto_svg(const std::vector<PlotPoint>& points, const SummaryMetrics& metrics,
                       const std::string& title) {
  std::vector<std::pair<double, double>> xy;
  xy.reserve(points.size());
  for (const PlotPoint& p : points) xy.emplace_back(p.x, p.y);
  std::vector<std::pair<double, double>> front;
  for (const size_t i : pareto_front(xy)) front.push_back(xy[i]);
  PlotOptions options;
  options.title =
      points.empty() ? "accuracy against mean tokens (no run has evaluated yet)" : title;
  options.x_label = metrics.length + " (tokens)";
  options.y_label = metrics.accuracy;
  options.width = 640;
  options.height = 400;
  return svg_scatter_chart(points, front, options);
}

// One row of a Markdown table.
std::string md_line(const std::vector<std::string>& cells) {
  return absl::StrCat(
      "| ",
      absl::StrJoin(cells, " | ",
                    [](std::string* out, const std::string& cell) { out->append(md_cell(cell)); }),
      " |\n");
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

// The last value of every "`metric`@L" the run reported, by level L.
std::map<int64_t, double> final_by_level(const RunCurves& curves, const std::string& metric) {
  const std::string prefix = metric + "@";
  std::map<int64_t, double> out;
  for (const auto& [step, metrics] : curves.rows) {
    for (const auto& [name, value] : metrics) {
      int64_t level = 0;
      if (name.rfind(prefix, 0) == 0 && absl::SimpleAtoi(name.substr(prefix.size()), &level) &&
          std::isfinite(value)) {
        out[level] = value;
      }
    }
  }
  return out;
}

std::string stat_text(const SeedStat& s) {
  if (s.n == 0) return "";
  return absl::StrFormat("%.4g ± %.2g (%d)", s.mean, s.std, s.n);
}

}  // namespace

SummaryMetrics summary_metrics() {
  return {kAccuracyMetric, kLengthMetric, kTokensPerCorrectMetric};
}

SeedStat seed_stat(const std::vector<double>& values) {
  SeedStat s;
  s.n = static_cast<int64_t>(values.size());
  if (s.n == 0) return s;
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.n);
  if (s.n < 2) return s;
  double sum_sq = 0;
  for (double v : values) sum_sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sum_sq / static_cast<double>(s.n - 1));
  return s;
}

std::vector<SeedGroup> group_over_seeds(const std::vector<std::string>& keys,
                                        const std::vector<SweepRow>& rows) {
  const auto seed = std::find(keys.begin(), keys.end(), kSeedAxis);
  if (seed == keys.end()) return {};
  const auto seed_column = static_cast<size_t>(seed - keys.begin());
  struct Figures {
    std::vector<double> accuracy, length, tokens_per_correct;
    std::map<int64_t, std::vector<double>> length_by_level, accuracy_by_level;
  };
  std::vector<SeedGroup> groups;
  std::vector<Figures> figures;
  for (const SweepRow& row : rows) {
    std::vector<std::string> values;
    for (size_t k = 0; k < row.values.size(); ++k) {
      if (k != seed_column) values.push_back(row.values[k]);
    }
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const SeedGroup& g) { return g.values == values; });
    if (group == groups.end()) {
      SeedGroup fresh;
      fresh.name = values.empty() ? "all" : absl::StrJoin(values, " ");
      fresh.values = values;
      groups.push_back(std::move(fresh));
      figures.emplace_back();
      group = groups.end() - 1;
    }
    ++group->runs;
    Figures& f = figures[static_cast<size_t>(group - groups.begin())];
    if (row.accuracy) f.accuracy.push_back(*row.accuracy);
    if (row.length_mean) f.length.push_back(*row.length_mean);
    if (row.tokens_per_correct) f.tokens_per_correct.push_back(*row.tokens_per_correct);
    for (const auto& [level, value] : row.length_by_level) {
      f.length_by_level[level].push_back(value);
    }
    for (const auto& [level, value] : row.accuracy_by_level) {
      f.accuracy_by_level[level].push_back(value);
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    groups[i].accuracy = seed_stat(figures[i].accuracy);
    groups[i].length_mean = seed_stat(figures[i].length);
    groups[i].tokens_per_correct = seed_stat(figures[i].tokens_per_correct);
    for (const auto& [level, values] : figures[i].length_by_level) {
      groups[i].length_by_level[level] = seed_stat(values);
    }
    for (const auto& [level, values] : figures[i].accuracy_by_level) {
      groups[i].accuracy_by_level[level] = seed_stat(values);
    }
  }
  return groups;
}

std::string sweep_seeds_md(const std::vector<std::string>& keys, const SummaryMetrics& metrics,
                           const std::vector<SeedGroup>& groups) {
  std::vector<int64_t> levels;
  for (const SeedGroup& g : groups) {
    for (const auto& [level, stat] : g.length_by_level) {
      if (std::find(levels.begin(), levels.end(), level) == levels.end()) levels.push_back(level);
    }
  }
  std::sort(levels.begin(), levels.end());
  std::vector<std::string> header;
  for (const std::string& key : keys) {
    if (key != kSeedAxis) header.push_back(key);
  }
  for (const std::string& column :
       {std::string("runs"), metrics.accuracy, metrics.length, metrics.tokens_per_correct}) {
    header.push_back(column);
  }
  for (int64_t level : levels) header.push_back(absl::StrCat(metrics.length, "@", level));
  for (int64_t level : levels) header.push_back(absl::StrCat(metrics.accuracy, "@", level));
  std::string md = absl::StrCat(
      "Mean ± sample std over the seeds (`", kSeedAxis,
      "`) that reported each figure, their count in brackets; the last value of each run.\n\n");
  md += md_line(header);
  md += md_line(std::vector<std::string>(header.size(), "---"));
  for (const SeedGroup& g : groups) {
    std::vector<std::string> cells = g.values;
    cells.push_back(absl::StrCat(g.runs));
    for (const SeedStat* s : {&g.accuracy, &g.length_mean, &g.tokens_per_correct}) {
      cells.push_back(stat_text(*s));
    }
    for (const auto* by_level : {&g.length_by_level, &g.accuracy_by_level}) {
      for (int64_t level : levels) {
        const auto found = by_level->find(level);
        cells.push_back(found == by_level->end() ? "" : stat_text(found->second));
      }
    }
    md += md_line(cells);
  }
  return md;
}

std::string seed_pareto_svg(const std::vector<SeedGroup>& groups, const SummaryMetrics& metrics) {
  std::vector<PlotPoint> points;
  for (const SeedGroup& g : groups) {
    if (g.accuracy.n == 0 || g.length_mean.n == 0) continue;
    points.push_back(
        {g.length_mean.mean, g.accuracy.mean, g.name, g.length_mean.std, g.accuracy.std});
  }
  return pareto_svg(points, metrics, "mean over seeds, bars ±1 std; the line is the Pareto front");
}

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
      row.length_by_level = final_by_level(*curves, metrics.length);
      row.accuracy_by_level = final_by_level(*curves, metrics.accuracy);
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
  const std::vector<std::string> header = header_of(keys, metrics);
  std::string md = md_line(header);
  md += md_line(std::vector<std::string>(header.size(), "---"));
  for (const SweepRow& row : rows) md += md_line(cells_of(row));
  return md;
}

std::string sweep_pareto_svg(const std::vector<SweepRow>& rows, const SummaryMetrics& metrics) {
  std::vector<PlotPoint> points;
  for (const SweepRow& row : rows) {
    if (!row.accuracy || !row.length_mean) continue;
    points.push_back({*row.length_mean, *row.accuracy, row.name});
  }
  return pareto_svg(points, metrics, "accuracy against mean tokens; the line is the Pareto front");
}

absl::Status write_sweep_summary(const fs::path& sweep_dir, const SummaryMetrics& metrics) {
  std::vector<std::string> keys;
  TERSE_ASSIGN_OR_RETURN(const std::vector<SweepRow> rows,
                         read_sweep_rows(sweep_dir, metrics, &keys));
  TERSE_RETURN_IF_ERROR(
      write_file_atomically(sweep_dir / kSweepSummaryCsv, sweep_summary_csv(keys, metrics, rows)));
  TERSE_RETURN_IF_ERROR(
      write_file_atomically(sweep_dir / kSweepSummaryMd, sweep_summary_md(keys, metrics, rows)));
  const std::vector<SeedGroup> groups = group_over_seeds(keys, rows);
  if (groups.empty()) {
    return write_file_atomically(sweep_dir / kSweepParetoSvg, sweep_pareto_svg(rows, metrics));
  }
  TERSE_RETURN_IF_ERROR(
      write_file_atomically(sweep_dir / kSweepSeedsMd, sweep_seeds_md(keys, metrics, groups)));
  return write_file_atomically(sweep_dir / kSweepParetoSvg, seed_pareto_svg(groups, metrics));
}

}  // namespace terse
