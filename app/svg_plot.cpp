#include "app/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace terse {
namespace {

// Colour-blind-safe categorical palette (Okabe & Ito 2008).
constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr int kLeft = 60, kRight = 16, kTop = 28, kBottom = 42;

struct Bounds {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
};

Bounds bounds_of(const std::vector<PlotSeries>& series) {
  Bounds b;
  for (const PlotSeries& s : series) {
    for (size_t i = 0; i < s.points.size(); ++i) {
      const auto [x, y] = s.points[i];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      b.x_lo = std::min(b.x_lo, x), b.x_hi = std::max(b.x_hi, x);
      b.y_lo = std::min(b.y_lo, y), b.y_hi = std::max(b.y_hi, y);
      if (i < s.band.size() && std::isfinite(s.band[i].first) && std::isfinite(s.band[i].second)) {
        b.y_lo = std::min(b.y_lo, s.band[i].first), b.y_hi = std::max(b.y_hi, s.band[i].second);
      }
    }
  }
  if (!std::isfinite(b.x_lo)) return Bounds{0, 1, 0, 1};
  if (b.x_hi == b.x_lo) b.x_hi = b.x_lo + 1;
  if (b.y_hi == b.y_lo) b.y_lo -= 0.5, b.y_hi += 0.5;
  const double pad = 0.05 * (b.y_hi - b.y_lo);  // keeps flat lines off the frame
  b.y_lo -= pad, b.y_hi += pad;
  return b;
}

std::string number(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 1e5 || std::abs(v) < 1e-3) return absl::StrFormat("%.2g", v);
  return absl::StrFormat("%g", std::round(v * 1e6) / 1e6);
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  const double raw = (hi - lo) / std::max(count, 1);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * power;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::ceil(lo / step) * step;
  // Written so that a NaN bound or step ends the loop at once, and a degenerate range cannot run
  // away.
  for (int64_t i = 0; i <= 4 * std::max(count, 1) + 4; ++i) {
    const double t = first + static_cast<double>(i) * step;
    if (!(t <= hi + step * 1e-9)) break;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

namespace {

// The plot area of a chart and the mapping from data to pixels.
struct Frame {
  Bounds b;
  double plot_w, plot_h;
  double px(double x) const { return kLeft + (x - b.x_lo) / (b.x_hi - b.x_lo) * plot_w; }
  double py(double y) const { return kTop + (1 - (y - b.y_lo) / (b.y_hi - b.y_lo)) * plot_h; }
};

Frame frame_of(const Bounds& b, const PlotOptions& options) {
  return {b, static_cast<double>(options.width - kLeft - kRight),
          static_cast<double>(options.height - kTop - kBottom)};
}

// The opening <svg> tag, title, grid lines, ticks, frame and axis labels.
std::string svg_axes(const Frame& f, const PlotOptions& options) {
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<text x=\"%d\" y=\"16\" font-size=\"13\">%s</text>\n",
      options.width, options.height, options.width, options.height, kLeft,
      xml_escape(options.title));
  for (const double t : nice_ticks(f.b.y_lo, f.b.y_hi, 5)) {
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                          kLeft, kLeft + f.plot_w, f.py(t), f.py(t), kLeft - 4, f.py(t) + 4,
                          number(t));
  }
  for (const double t : nice_ticks(f.b.x_lo, f.b.x_hi, 6)) {
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                          f.px(t), kTop + f.plot_h + 14, number(t));
  }
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                        "stroke=\"#888\"/>\n<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
                        "</text>\n<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" "
                        "text-anchor=\"middle\">%s</text>\n",
                        kLeft, kTop, f.plot_w, f.plot_h, kLeft + f.plot_w / 2, options.height - 6,
                        xml_escape(options.x_label), kTop + f.plot_h / 2, kTop + f.plot_h / 2,
                        xml_escape(options.y_label));
  return svg;
}

// `points` as the `points` attribute of a polyline; non-finite points are skipped.
std::string polyline_points(const Frame& f, const std::vector<std::pair<double, double>>& points) {
  std::string out;
  for (const auto& [x, y] : points) {
    if (std::isfinite(x) && std::isfinite(y)) {
      absl::StrAppendFormat(&out, "%.1f,%.1f ", f.px(x), f.py(y));
    }
  }
  return out;
}

// The band of `s` as the `points` attribute of a polygon: along the highs, back along the lows.
std::string band_points(const Frame& f, const PlotSeries& s) {
  std::vector<std::pair<double, double>> outline;
  const size_t n = std::min(s.points.size(), s.band.size());
  for (size_t i = 0; i < n; ++i) outline.emplace_back(s.points[i].first, s.band[i].second);
  for (size_t i = n; i-- > 0;) outline.emplace_back(s.points[i].first, s.band[i].first);
  return polyline_points(f, outline);
}

}  // namespace

std::string svg_line_chart(const std::vector<PlotSeries>& series, const PlotOptions& options) {
  const Frame f = frame_of(bounds_of(series), options);
  std::string svg = svg_axes(f, options);
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
    if (!series[i].band.empty()) {
      absl::StrAppendFormat(&svg,
                            "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"0.2\" "
                            "stroke=\"none\" points=\"%s\"/>\n",
                            color, band_points(f, series[i]));
    }
    absl::StrAppendFormat(
        &svg,
        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
        "points=\"%s\"/>\n<text x=\"%.1f\" y=\"%d\" fill=\"%s\" text-anchor=\"end\">%s</text>\n",
        color, polyline_points(f, series[i].points), kLeft + f.plot_w - 4,
        kTop + 14 + 13 * static_cast<int>(i), color, xml_escape(series[i].name));
  }
  return svg + "</svg>\n";
}

std::string svg_scatter_chart(const std::vector<PlotPoint>& points,
                              const std::vector<std::pair<double, double>>& line,
                              const PlotOptions& options) {
  PlotSeries all{"", line};
  for (const PlotPoint& p : points) {
    all.points.emplace_back(p.x - p.x_err, p.y - p.y_err);
    all.points.emplace_back(p.x + p.x_err, p.y + p.y_err);
  }
  Bounds b = bounds_of({all});
  const double x_pad = 0.05 * (b.x_hi - b.x_lo);  // keeps dots at the edges off the frame
  b.x_lo -= x_pad, b.x_hi += x_pad;
  const Frame f = frame_of(b, options);
  std::string svg = svg_axes(f, options);
  if (!line.empty()) {
    absl::StrAppendFormat(&svg,
                          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                          "points=\"%s\"/>\n",
                          kColors[1], polyline_points(f, line));
  }
  for (const PlotPoint& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    if (p.x_err > 0 || p.y_err > 0) {
      absl::StrAppendFormat(&svg,
                            "<path class=\"error-bar\" stroke=\"%s\" d=\"M%.1f %.1fH%.1fM%.1f "
                            "%.1fV%.1f\"/>\n",
                            kColors[0], f.px(p.x - p.x_err), f.py(p.y), f.px(p.x + p.x_err),
                            f.px(p.x), f.py(p.y - p.y_err), f.py(p.y + p.y_err));
    }
    absl::StrAppendFormat(&svg,
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                          f.px(p.x), f.py(p.y), kColors[0], f.px(p.x) + 5, f.py(p.y) - 5,
                          xml_escape(p.label));
  }
  return svg + "</svg>\n";
}

}  // namespace terse
