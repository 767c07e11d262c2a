// The modes demo by hand: its reference curve, its RL phase's penalty and its printed table.
#include "app/demo_modes.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_split.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("the fitted curve scores the effort SFT's targets against each budget", "[demo]") {
  Problem p;
  p.prompt = "add 47+38";
  p.answer = "85";
  p.core_trace = "15;8";  // 4 tokens; the optional blocks cost 11, 13, 12, 16 and 6 tokens
  p.long_trace = "goal 47+38;15;check 7+8=15;back 15-8=7;8;verify 85-38=47;so 85";
  Problem q = p;
  q.long_trace = "15;8";  // no optional block: the core at every budget
  const std::vector<BudgetPoint> curve = fitted_curve({p, q}, {0, 15, 34});
  REQUIRE(curve.size() == 3);
  // 0: the direct answer, no thinking (`<think></think><answer>85</answer>`: 4 tags + 2).
  CHECK(curve[0].budget == 0);
  CHECK(curve[0].mean_think_tokens == 0);
  CHECK(curve[0].mean_tokens == 6);
  CHECK(curve[0].adherence.relative_error == 0);
  // 15: p keeps the goal block (15 tokens), q its core (4): |15-15| / 15 and |4-15| / 15.
  CHECK(curve[1].mean_think_tokens == Approx((15.0 + 4.0) / 2));
  CHECK(curve[1].adherence.relative_error == Approx((0.0 + 11.0 / 15) / 2));
  CHECK(curve[1].adherence.over_fraction == 0);
  // 34: p keeps goal and check (28 tokens; "so 85" would fit but follows the left-out back).
  CHECK(curve[2].mean_think_tokens == Approx((28.0 + 4.0) / 2));
  CHECK(curve[2].adherence.relative_error == Approx((6.0 / 34 + 30.0 / 34) / 2));
  CHECK(curve[2].accuracy == 1);
}

TEST_CASE("the modes' RL phase scores each request with the configured L1 penalty", "[demo]") {
  ExperimentConfig config;
  config.demo.modes.budget_min = 12;
  config.demo.modes.budget_max = 40;
  config.demo.modes.alpha = 0.02;
  REQUIRE(config.demo.modes.penalty == PenaltyKind::kL1Exact);
  CHECK(modes_rl_phase(config, "out").reward.length_penalty.kind == PenaltyKind::kL1Exact);

  config.demo.modes.penalty = PenaltyKind::kL1Max;
  config.demo.modes.delta = 0.25;
  const ExperimentConfig phase = modes_rl_phase(config, "out");
  const LengthPenaltyConfig& penalty = phase.reward.length_penalty;
  CHECK(penalty.kind == PenaltyKind::kL1Max);
  CHECK(penalty.alpha == 0.02);
  CHECK(penalty.l1.delta == 0.25);
  CHECK(penalty.l1.target_min == 12);
  CHECK(penalty.l1.target_max == 40);
  CHECK(penalty.unit == LengthUnit::kThinking);
  CHECK(phase.model.path == "out/modes_sft");
  CHECK(phase.run.name == "modes_rl");
  CHECK(config.demo.modes.validate().ok());

  config.demo.modes.penalty = PenaltyKind::kLinear;  // no budget to score against
  const absl::Status invalid = config.demo.modes.validate();
  CHECK_THAT(std::string(invalid.message()), Catch::Contains("`demo.modes.penalty` = linear"));
}

TEST_CASE("the printed budget table keeps its columns under large errors", "[demo]") {
  ModesSummary s;
  BudgetPoint point;
  point.budget = 4;
  point.accuracy = 0.99;
  point.mean_think_tokens = 53.1;
  point.adherence.relative_error = 12.28;  // 53.1 tokens against 4: wider than 9.99
  s.budget_curve = {point, point};
  s.budget_curve[1].budget = 256;
  s.budget_curve[1].adherence.relative_error = 0.79;
  s.sft_forced = s.budget_curve;
  s.fitted = s.budget_curve;
  std::ostringstream out;
  print_modes(s, out);
  const std::vector<std::string> lines = absl::StrSplit(out.str(), '\n');
  // The column header and the two rows: one width, and each value ends where its header does.
  const auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("budget N") != std::string::npos;
  });
  REQUIRE(header + 2 < lines.end());
  const std::string& row4 = header[1];
  const std::string& row256 = header[2];
  CHECK(row4.size() == header->size());
  CHECK(row256.size() == header->size());
  const size_t error_end = header->find("error") + 5;
  CHECK(row4.substr(error_end - 5, 5) == "12.28");
  CHECK(row256.substr(error_end - 5, 5) == " 0.79");
}

}  // namespace
}  // namespace terse
