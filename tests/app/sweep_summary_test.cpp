// Sweep summaries: the Pareto front by hand, the tables, and a sweep directory read back.
#include "app/sweep_summary.h"

#include "app/sweep_state.h"
#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::read_file;
using testing::TempDir;

TEST_CASE("the Pareto front keeps the points nothing beats on tokens and accuracy", "[sweep]") {
  // (tokens, accuracy):
  //   0 (100, 0.50)  front: the fewest tokens
  //   1 (200, 0.70)  front: more accurate than everything shorter
  //   2 (250, 0.60)  dominated by 1 (fewer tokens, more accurate)
  //   3 (300, 0.90)  front
  //   4 (300, 0.80)  dominated by 3 (same tokens, less accurate)
  //   5 (400, 0.90)  dominated by 3 (same accuracy, more tokens)
  //   6 (150, NaN)   no accuracy: left out
  //   7 (500, 0.95)  front: the most accurate
  const std::vector<std::pair<double, double>> points = {
      {100, 0.5}, {200, 0.7}, {250, 0.6},          {300, 0.9},
      {300, 0.8}, {400, 0.9}, {150, std::nan("")}, {500, 0.95}};
  CHECK(pareto_front(points) == std::vector<size_t>{0, 1, 3, 7});
  // Two identical points beat neither each other: both stay.
  CHECK(pareto_front({{10, 0.5}, {10, 0.5}, {20, 0.4}}) == std::vector<size_t>{0, 1});
  CHECK(pareto_front({}).empty());
}

TEST_CASE("a sweep directory reads back as rows, tables and a chart", "[sweep]") {
  TempDir dir;
  SweepSpec spec;
  spec.command = "sft";
  spec.keys = {{"reward.length_penalty.kind", ""}, {"reward.length_penalty.coef", ""}};
  for (const auto& [kind, coef] : std::vector<std::pair<std::string, std::string>>{
           {"linear", "0.1"}, {"kimi", "0.5"}, {"none", "0,1"}}) {
    spec.runs.push_back({kind, {{spec.keys[0].path, kind, kind}, {spec.keys[1].path, coef, coef}}});
  }
  REQUIRE(write_sweep_plan(dir.path(), spec).ok());
  SweepRunState done;
  done.seconds = 12.5;
  REQUIRE(append_sweep_state(dir.path(), "linear", done).ok());
  SweepRunState failed;
  failed.status = SweepRunStatus::kFailed;
  failed.exit_code = 3;
  REQUIRE(append_sweep_state(dir.path(), "kimi", failed).ok());
  for (const auto& [run, accuracy, length] : std::vector<std::tuple<std::string, double, double>>{
           {"linear", 0.8, 120}, {"kimi", 0.6, 90}}) {
    std::filesystem::create_directories(dir / run);
    auto log = MetricsLog::open(dir / run / kMetricsFile, std::nullopt);
    REQUIRE(log.ok());
    REQUIRE(log->write(1, {{"eval/accuracy", 0.1}, {"loss", 2}}).ok());
    REQUIRE(log->write(2, {{"eval/accuracy", accuracy}, {"eval/length_mean", length}}).ok());
  }
  REQUIRE(write_sweep_summary(dir.path(),
                              {"eval/accuracy", "eval/length_mean", "eval/tokens_per_correct"})
              .ok());
  CHECK(read_file(dir / kSweepSummaryCsv) ==
        "run,reward.length_penalty.kind,reward.length_penalty.coef,status,seconds,eval/accuracy,"
        "eval/length_mean,eval/tokens_per_correct\n"
        "linear,linear,0.1,done,12.5,0.8,120,\n"
        "kimi,kimi,0.5,failed (exit 3),0.0,0.6,90,\n"
        "none,none,\"0,1\",not finished,,,,\n");
  const std::string md = read_file(dir / kSweepSummaryMd);
  CHECK_THAT(md, Catch::StartsWith("| run | reward.length_penalty.kind |"));
  CHECK_THAT(md, Catch::Contains("| kimi | kimi | 0.5 | failed (exit 3) | 0.0 | 0.6 | 90 |  |\n"));
  const std::string svg = read_file(dir / kSweepParetoSvg);
  CHECK_THAT(svg, Catch::StartsWith("<svg"));
  CHECK_THAT(svg, Catch::Contains(">linear</text>"));
  CHECK_THAT(svg, Catch::Contains(">kimi</text>"));
  CHECK_THAT(svg, Catch::Contains("<polyline"));  // both runs are on the front
}

TEST_CASE("a sweep over run.seed is summarised as mean ± std per configuration", "[sweep]") {
  CHECK(seed_stat({}).n == 0);
  CHECK(seed_stat({0.5}).std == 0.0);
  // 0.8 and 0.9: mean 0.85, sample std sqrt(2 * 0.05^2 / 1) = 0.0707107.
  CHECK(seed_stat({0.8, 0.9}).mean == Approx(0.85));
  CHECK(seed_stat({0.8, 0.9}).std == Approx(0.0707107));

  TempDir dir;
  SweepSpec spec;
  spec.keys = {{"reward.length_penalty.kind", ""}, {kSeedAxis, ""}};
  struct Run {
    std::string kind, seed;
    double accuracy, length, level1, level2, accuracy2;
  };
  const std::vector<Run> runs = {{"linear", "0", 0.8, 100, 50, 150, 0.7},
                                 {"linear", "1", 0.9, 120, 60, 180, 0.9},
                                 {"kimi", "0", 0.6, 80, 40, 120, 0.5},
                                 {"kimi", "1", 0, 0, 0, 0, 0}};  // never evaluated
  for (const Run& r : runs) {
    const std::string name = r.kind + "_" + r.seed;
    spec.runs.push_back({name, {{spec.keys[0].path, r.kind, r.kind}, {kSeedAxis, r.seed, r.seed}}});
    if (r.accuracy == 0) continue;
    std::filesystem::create_directories(dir / name);
    auto log = MetricsLog::open(dir / name / kMetricsFile, std::nullopt);
    REQUIRE(log.ok());
    REQUIRE(log->write(5, {{"eval/accuracy", r.accuracy},
                           {"eval/length_mean", r.length},
                           {"eval/length_mean@1", r.level1},
                           {"eval/length_mean@2", r.level2},
                           {"eval/accuracy@2", r.accuracy2}})
                .ok());
  }
  REQUIRE(write_sweep_plan(dir.path(), spec).ok());
  const SummaryMetrics metrics{"eval/accuracy", "eval/length_mean", "eval/tokens_per_correct"};
  std::vector<std::string> keys;
  const auto rows = read_sweep_rows(dir.path(), metrics, &keys);
  REQUIRE(rows.ok());
  const std::vector<SeedGroup> groups = group_over_seeds(keys, *rows);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].name == "linear");
  CHECK(groups[0].runs == 2);
  CHECK(groups[0].accuracy.mean == Approx(0.85));
  CHECK(groups[0].length_mean.std == Approx(14.1421356));
  CHECK(groups[0].length_by_level.at(2).mean == Approx(165));
  CHECK(groups[0].accuracy_by_level.at(2).mean == Approx(0.8));
  CHECK(groups[0].accuracy_by_level.count(1) == 0);  // level 1's accuracy never reported
  CHECK(groups[1].runs == 2);
  CHECK(groups[1].accuracy.n == 1);  // one seed evaluated
  CHECK(groups[1].tokens_per_correct.n == 0);

  REQUIRE(write_sweep_summary(dir.path(), metrics).ok());
  const std::string md = read_file(dir / kSweepSeedsMd);
  CHECK_THAT(md, Catch::Contains("| reward.length_penalty.kind | runs | eval/accuracy | "
                                 "eval/length_mean | eval/tokens_per_correct | "
                                 "eval/length_mean@1 | eval/length_mean@2 | "
                                 "eval/accuracy@1 | eval/accuracy@2 |"));
  // Level 2's accuracy: 0.7 and 0.9, mean 0.8, sample std 0.14; level 1's: none reported.
  CHECK_THAT(md, Catch::Contains("| linear | 2 | 0.85 ± 0.071 (2) | 110 ± 14 (2) |  | "
                                 "55 ± 7.1 (2) | 165 ± 21 (2) |  | 0.8 ± 0.14 (2) |"));
  CHECK_THAT(md, Catch::Contains("| kimi | 2 | 0.6 ± 0 (1) | 80 ± 0 (1) |"));
  const std::string svg = read_file(dir / kSweepParetoSvg);
  CHECK_THAT(svg, Catch::Contains("class=\"error-bar\""));  // linear's bars
  CHECK_THAT(svg, Catch::Contains(">linear</text>"));
  // Without a seed axis there are no groups.
  CHECK(group_over_seeds({"trainer.lr"}, *rows).empty());
}

}  // namespace
}  // namespace terse
