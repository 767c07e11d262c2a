// Line and scatter charts as standalone SVG text: no scripts, fonts or links, so a page that
// inlines them shows the same offline.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace terse {

struct PlotSeries {
  std::string name;                               // legend entry
  std::vector<std::pair<double, double>> points;  // (x, y), in x order; non-finite y are skipped
  std::vector<std::pair<double, double>> band;    // (low, high) at each point's x, drawn as a
                                                  // shaded area under the line; empty: none
};

struct PlotOptions {
  std::string title;
  std::string x_label = "step";
  std::string y_label;
  int width = 520;
  int height = 300;
};

// An SVG line chart of `series` sharing one pair of axes, with ticks at round numbers and a
// legend. Text is XML-escaped.
std::string svg_line_chart(const std::vector<PlotSeries>& series, const PlotOptions& options);

// A labelled point of a scatter chart.
struct PlotPoint {
  double x = 0, y = 0;
  std::string label;
  double x_err = 0, y_err = 0;  // half-widths of error bars drawn through the point; 0: none
};

// An SVG scatter chart: each finite point a dot with its label beside it, and `line` (in the
// order given, e.g. a Pareto front) drawn through its points on the same axes.
std::string svg_scatter_chart(const std::vector<PlotPoint>& points,
                              const std::vector<std::pair<double, double>>& line,
                              const PlotOptions& options);

// Up to about `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart).
std::vector<double> nice_ticks(double lo, double hi, int count);

// `text` with &, <, >, " and ' replaced by XML entities.
std::string xml_escape(const std::string& text);

}  // namespace terse
