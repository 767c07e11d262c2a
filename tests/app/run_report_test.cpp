// Charts: tick arithmetic by hand and the polylines of a chart (`terse report` as a program:
// tests/cli/report_command_test.cpp).
#include "app/run_report.h"

#include <cmath>

#include "absl/strings/str_split.h"
#include "app/svg_plot.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

TEST_CASE("ticks fall on 1, 2 or 5 times a power of ten", "[svg]") {
  // [0, 1] in ~5 steps: raw step 0.2 -> 0, 0.2, ..., 1.
  const std::vector<double> unit = nice_ticks(0, 1, 5);
  REQUIRE(unit.size() == 6);
  CHECK(unit[1] == Approx(0.2));
  CHECK(unit[5] == Approx(1.0));
  // [3, 47] in ~4 steps: raw 11 -> step 20 -> 20, 40.
  CHECK(nice_ticks(3, 47, 4) == std::vector<double>{20, 40});
  // Degenerate ranges end: an empty one (step 0) and a NaN bound.
  CHECK(nice_ticks(1, 1, 5).size() <= 24);
  CHECK(nice_ticks(0, std::nan(""), 5).empty());
  CHECK(xml_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}

TEST_CASE("a chart draws one polyline per series with its points", "[svg]") {
  PlotOptions options;
  options.title = "length <mean>";
  const std::string svg = svg_line_chart(
      {{"run a", {{0, 1}, {1, 2}, {2, 3}}, {}}, {"run b", {{0, 2}, {2, std::nan("")}}, {}}},
      options);
  CHECK(testing::occurrences(svg, "<polyline") == 2);
  CHECK_THAT(svg, Catch::Contains("length &lt;mean&gt;"));
  const size_t first = svg.find("points=\"");
  const std::string points = svg.substr(first + 8, svg.find('"', first + 8) - first - 8);
  CHECK(std::vector<std::string>(absl::StrSplit(points, ' ', absl::SkipEmpty())).size() == 3);
}

TEST_CASE("seeds as one band: the mean line between the lowest and highest run", "[svg]") {
  // Three seeds report step 10 (1, 2, 6: mean 3) and step 20 (4, 4, 7: mean 5); only two
  // report step 30, which is left out.
  const std::vector<RunCurves> runs = {
      {"s0", {{10, {{"acc", 1}}}, {20, {{"acc", 4}}}, {30, {{"acc", 9}}}}},
      {"s1", {{10, {{"acc", 2}}}, {20, {{"acc", 4}}}, {30, {{"acc", 9}}}}},
      {"s2", {{10, {{"acc", 6}}}, {20, {{"acc", 7}, {"other", 1}}}}}};
  const PlotSeries band = seed_band(runs, "acc");
  REQUIRE(band.points.size() == 2);
  CHECK(band.points[0] == std::pair<double, double>(10, 3));
  CHECK(band.points[1] == std::pair<double, double>(20, 5));
  REQUIRE(band.band.size() == 2);
  CHECK(band.band[0] == std::pair<double, double>(1, 6));
  CHECK(band.band[1] == std::pair<double, double>(4, 7));
  CHECK(band.name == "mean of 3 runs, band min-max");
  // The chart shades the band under one line; the page draws one series per chart.
  const std::string svg = svg_line_chart({band}, PlotOptions{});
  CHECK(testing::occurrences(svg, "<polygon class=\"band\"") == 1);
  CHECK(testing::occurrences(svg, "<polyline") == 1);
  const std::string page = run_report_html(runs, {"acc"}, "seeds", "", /*band=*/true);
  CHECK(testing::occurrences(page, "<polyline") == 1);
  CHECK(testing::occurrences(run_report_html(runs, {"acc"}, "runs"), "<polyline") == 3);
}

}  // namespace
}  // namespace terse
