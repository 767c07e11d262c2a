// The modes demo's reference curve, by hand: the effort SFT's own targets at each budget.
#include "app/demo_modes.h"

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

}  // namespace
}  // namespace terse
