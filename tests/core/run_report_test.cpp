// Charts: tick arithmetic by hand and the polylines of a chart (`terse report` as a program:
// tests/cli/report_command_test.cpp).
#include "core/run_report.h"

#include <cmath>

#include "absl/strings/str_split.h"
#include "core/svg_plot.h"
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
      {{"run a", {{0, 1}, {1, 2}, {2, 3}}}, {"run b", {{0, 2}, {2, std::nan("")}}}}, options);
  CHECK(testing::occurrences(svg, "<polyline") == 2);
  CHECK_THAT(svg, Catch::Contains("length &lt;mean&gt;"));
  const size_t first = svg.find("points=\"");
  const std::string points = svg.substr(first + 8, svg.find('"', first + 8) - first - 8);
  CHECK(std::vector<std::string>(absl::StrSplit(points, ' ', absl::SkipEmpty())).size() == 3);
}

}  // namespace
}  // namespace terse
