// `terse report` as a program: runs overlaid and tabulated, the HTML checked by an XML parser.
#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::terse_command;
using testing::write_file;

void write_run(const std::filesystem::path& dir, double slope) {
  std::filesystem::create_directories(dir);
  auto log = MetricsLog::open(dir / kMetricsFile, std::nullopt);
  REQUIRE(log.ok());
  for (int64_t step = 1; step <= 5; ++step) {
    Metrics m = {{"length/mean", 100 - slope * step}, {"reward/accuracy", 0.5 + 0.1 * step}};
    if (step == 5) m["eval/accuracy"] = 0.9;
    REQUIRE(log->write(step, m).ok());
  }
}

TEST_CASE("terse report overlays runs and tabulates final values", "[report]") {
  TempDir dir;
  write_run(dir / "runs/short", 10);
  write_run(dir / "runs/long", 2);
  const std::string out = (dir / "report.html").string();
  const auto result =
      run_command(terse_command("report '" + (dir / "runs/short").string() + "' '" +
                                (dir / "runs/long").string() + "' --out '" + out + "'"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string html = read_file(out);
  CHECK(testing::occurrences(html, "<svg") == 3);  // length/mean, reward/accuracy, eval/accuracy
  CHECK(testing::occurrences(html, "<polyline") == 6);
  CHECK_THAT(html, Catch::Contains("<td>short</td><td>5</td>"));
  CHECK_THAT(html, Catch::Contains("<td>50</td>"));  // short's final length/mean: 100 - 10 * 5
  CHECK_THAT(html, Catch::Contains("<td>90</td>"));  // long's: 100 - 2 * 5
  CHECK_THAT(html, !Catch::Contains("policy/kl"));   // no run has it: no chart, no column
  CHECK(testing::occurrences(html, "http") ==
        testing::occurrences(html, "xmlns=\"http://www.w3.org/2000/svg\""));  // offline
  // Every chart is well-formed XML, as an independent parser sees it.
  write_file(dir / "check.py",
             "import re, sys, xml.etree.ElementTree as ET\n"
             "html = open(sys.argv[1]).read()\n"
             "for svg in re.findall(r'<svg.*?</svg>', html, re.S):\n"
             "    ET.fromstring(svg)\n"
             "print('ok')\n");
  const auto parsed =
      run_command("/usr/bin/python3 '" + (dir / "check.py").string() + "' '" + out + "'");
  CHECK(parsed.out == "ok\n");
}

TEST_CASE("terse report --band over demo directories: one band on SFT's and RL's axis",
          "[report]") {
  TempDir dir;
  for (const char* seed : {"s0", "s1"}) {
    write_run(dir / seed / "sft", seed[1] == '0' ? 10 : 2);  // steps 1-5
    write_run(dir / seed / "rl", 5);                         // steps 1-5, drawn as 6-10
  }
  const std::string out = (dir / "band.html").string();
  const auto result = run_command(terse_command("report --band '" + (dir / "s0").string() + "' '" +
                                                (dir / "s1").string() +
                                                "' --metrics length/mean --out '" + out + "'"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string html = read_file(out);
  CHECK(testing::occurrences(html, "<polygon class=\"band\"") == 1);
  CHECK(testing::occurrences(html, "<polyline") == 1);
  // Ten steps on one axis; the final length is RL's (100 - 5 * 5), not SFT's (50 or 90).
  CHECK_THAT(html, Catch::Contains("<td>s0</td><td>10</td><td>75</td>"));
  CHECK_THAT(html, Catch::Contains("mean of 2 runs"));
}

TEST_CASE("terse report names a run directory without metrics", "[report]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  const auto result = run_command(terse_command("report '" + (dir / "empty").string() + "'"));
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("metrics.jsonl"));
}

}  // namespace
}  // namespace terse
