// The demo's report draws its phases one after the other on one step axis.
#include "app/demo.h"
#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

TEST_CASE("RL's curves follow SFT's and start at the SFT model", "[demo]") {
  RunCurves sft{"sft", {{100, {{"eval/accuracy", 0.5}}}, {800, {{"eval/accuracy", 0.97}}}}};
  RunCurves rl{"rl", {{1, {{"length/mean", 150}}}, {150, {{"eval/length_mean", 20}}}}};
  PhaseFigures start;
  start.accuracy = 0.97;
  start.mean_tokens = 201;
  const RunCurves moved = rl_after_sft(rl, sft, start);
  REQUIRE(moved.rows.size() == 3);
  CHECK(moved.rows[0].first == 800);  // where SFT ended: the SFT model's figures
  CHECK(moved.rows[0].second.at(kAccuracyMetric) == 0.97);
  CHECK(moved.rows[0].second.at(kLengthMetric) == 201);
  CHECK(moved.rows[1].first == 801);
  CHECK(moved.rows[2].first == 950);
  CHECK(moved.rows[2].second.at("eval/length_mean") == 20);
  CHECK(moved.name == "rl");
  // Without SFT curves the steps stay.
  CHECK(rl_after_sft(rl, RunCurves{"sft", {}}, start).rows[1].first == 1);
}

void write_metrics(const std::filesystem::path& run_dir, const std::vector<int64_t>& steps) {
  std::filesystem::create_directories(run_dir);
  auto log = MetricsLog::open(run_dir / kMetricsFile, std::nullopt);
  REQUIRE(log.ok());
  for (const int64_t step : steps) REQUIRE(log->write(step, {{"loss", 0.1 * step}}).ok());
}

TEST_CASE("a demo directory reads as one run: SFT's steps, then RL's after them", "[demo]") {
  testing::TempDir dir;
  const std::filesystem::path demo = dir / "seed3";
  write_metrics(demo / "sft", {1, 2, 800});
  write_metrics(demo / "no_reasoning", {1, 600});
  CHECK(is_demo_dir(demo));
  CHECK_FALSE(is_demo_dir(demo / "sft"));  // an ordinary run directory
  // Without the RL phase: NotFound naming its metrics.
  const auto missing = read_demo_timeline(demo);
  REQUIRE(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains("rl/metrics.jsonl"));

  write_metrics(demo / "rl", {1, 150});
  const auto timeline = read_demo_timeline(dir / "seed3/");
  REQUIRE(timeline.ok());
  CHECK(timeline->name == "seed3");
  std::vector<int64_t> steps;
  for (const auto& [step, metrics] : timeline->rows) steps.push_back(step);
  CHECK(steps == std::vector<int64_t>{1, 2, 800, 801, 950});
  CHECK(timeline->rows[3].second.at("loss") == Approx(0.1));  // RL's step 1
}

}  // namespace
}  // namespace terse
