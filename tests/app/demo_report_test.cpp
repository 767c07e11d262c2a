// The demo's report draws its phases one after the other on one step axis.
#include "app/demo.h"
#include "tests/catch.h"
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

}  // namespace
}  // namespace terse
