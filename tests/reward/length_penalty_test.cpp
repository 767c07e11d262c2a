// Every length penalty against values computed by hand from its paper's formula, with the
// edge cases: equal lengths, no correct answer, G = 1, empty completions.
#include "reward/length_penalty.h"

#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

PenaltySample s(bool correct, int64_t length, bool finished = true, int64_t target = 0) {
  return PenaltySample{correct, length, finished, target};
}

void check_terms(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("sample " << i);
    CHECK(got[i] == Approx(want[i]).margin(1e-12));
  }
}

constexpr bool kRight = true;
constexpr bool kWrong = false;

TEST_CASE("linear: -alpha * L / L_max", "[penalty]") {
  // alpha 0.5, L_max 100: 0, -0.5*40/100 = -0.2, -0.5*100/100 = -0.5, whatever the accuracy.
  check_terms(linear_terms({s(kRight, 0), s(kWrong, 40), s(kRight, 100)}, 0.5, 100),
              {0.0, -0.2, -0.5});
  check_terms(linear_terms({s(kRight, 40)}, 0.5, 100), {-0.2});  // G = 1
  check_terms(linear_terms({}, 0.5, 100), {});
}

TEST_CASE("kimi: lambda = 0.5 - (L - min)/(max - min)", "[penalty]") {
  // min 10, max 50, range 40; lambda = 0.5, 0.25, 0, -0.5.
  // correct keeps lambda, wrong keeps min(0, lambda): 0.5, 0, 0, -0.5.
  check_terms(kimi_terms({s(kRight, 10), s(kWrong, 20), s(kRight, 30), s(kWrong, 50)}, 1.0),
              {0.5, 0.0, 0.0, -0.5});
  // The weight scales every term: w = 0.2.
  check_terms(kimi_terms({s(kRight, 10), s(kWrong, 20), s(kRight, 30), s(kWrong, 50)}, 0.2),
              {0.1, 0.0, 0.0, -0.1});
  // A correct answer that is the longest gets -0.5 while a short wrong one gets 0: the paper's
  // definition, whatever one thinks of it.
  check_terms(kimi_terms({s(kWrong, 10), s(kRight, 50)}, 1.0), {0.0, -0.5});
  // No correct answer: 10 -> min(0, 0.5) = 0, 30 -> min(0, -0.5) = -0.5.
  check_terms(kimi_terms({s(kWrong, 10), s(kWrong, 30)}, 1.0), {0.0, -0.5});
  // Equal lengths, G = 1 and empty completions: max = min, so every term is 0.
  check_terms(kimi_terms({s(kRight, 7), s(kWrong, 7), s(kRight, 7)}, 1.0), {0.0, 0.0, 0.0});
  check_terms(kimi_terms({s(kRight, 42)}, 1.0), {0.0});
  check_terms(kimi_terms({s(kRight, 0), s(kWrong, 0)}, 1.0), {0.0, 0.0});
  check_terms(kimi_terms({}, 1.0), {});
}

TEST_CASE("efficient: correct answers lose alpha * sigmoid(z) against the correct ones",
          "[penalty]") {
  // Correct lengths 100, 200, 300: mean 200, population std sqrt((100^2 + 0 + 100^2)/3)
  // = 81.6496580927726; z = -100/(81.6496580927726 + 1e-7) = -1.224744869891589.
  // sigmoid(z) = 0.22710251969897463 and sigmoid(-z) = 0.7728974803010254; alpha 0.2:
  // -0.2 * 0.22710251969897463 = -0.04542050393979493, -0.2 * 0.5 = -0.1,
  // -0.2 * 0.7728974803010254 = -0.15457949606020507; the wrong one gets 0.
  check_terms(efficient_terms({s(kRight, 100), s(kRight, 200), s(kRight, 300), s(kWrong, 50)}, 0.2),
              {-0.04542050393979493, -0.1, -0.15457949606020507, 0.0});
  // G = 1 and equal lengths: std 0, z = 0/(0 + 1e-7) = 0, sigmoid 0.5: -alpha/2 = -0.1.
  check_terms(efficient_terms({s(kRight, 500)}, 0.2), {-0.1});
  check_terms(efficient_terms({s(kRight, 50), s(kRight, 50)}, 0.2), {-0.1, -0.1});
  check_terms(efficient_terms({s(kRight, 0), s(kRight, 0)}, 0.2), {-0.1, -0.1});  // empty
  // No correct answer: every reward is 0 = accuracy, so every term is 0.
  check_terms(efficient_terms({s(kWrong, 10), s(kWrong, 90)}, 0.2), {0.0, 0.0});
}

TEST_CASE("l1_exact: -alpha * |n_target - L|", "[penalty]") {
  // alpha 0.001, target 1000: |1000-800| = 200 -> -0.2; 0 -> 0; 500 -> -0.5; wrong at the
  // target -> 0; an empty completion is 1000 away -> -1.
  check_terms(l1_exact_terms({s(kRight, 800, true, 1000), s(kRight, 1000, true, 1000),
                              s(kRight, 1500, true, 1000), s(kWrong, 1000, true, 1000),
                              s(kWrong, 0, true, 1000)},
                             0.001),
              {-0.2, 0.0, -0.5, 0.0, -1.0});
  // An effort mode without a budget (target -1) has no length term, whatever the length.
  check_terms(l1_exact_terms({s(kRight, 800, true, -1), s(kRight, 0, true, 0)}, 0.001), {0.0, 0.0});
  check_terms(l1_max_terms({s(kRight, 800, true, -1)}, 0.001, 0.5), {0.0});
}

TEST_CASE("l1_max: acc * clip(alpha * (n_target - L) + delta, 0, 1) - acc", "[penalty]") {
  // alpha 0.001, delta 0.5, target 1000:
  // L 1000: clip(0.5) = 0.5 -> 0.5 - 1 = -0.5;  L 600: clip(0.4 + 0.5) = 0.9 -> -0.1;
  // L 400: clip(1.1) = 1 -> 0;  L 1600: clip(-0.6 + 0.5) = 0 -> -1;  L 0: clip(1.5) = 1 -> 0;
  // wrong: 0 * anything - 0 = 0.
  check_terms(l1_max_terms({s(kRight, 1000, true, 1000), s(kRight, 600, true, 1000),
                            s(kRight, 400, true, 1000), s(kRight, 1600, true, 1000),
                            s(kRight, 0, true, 1000), s(kWrong, 100, true, 1000)},
                           0.001, 0.5),
              {-0.5, -0.1, 0.0, -1.0, 0.0, 0.0});
}

TEST_CASE("shorter_better: -beta * |L - SOL|", "[penalty]") {
  // SOL = shortest correct = 100; beta 0.01: 0, -0.5, -0.6, -2.
  check_terms(
      shorter_better_terms({s(kRight, 100), s(kRight, 150), s(kWrong, 40), s(kWrong, 300)}, 0.01),
      {0.0, -0.5, -0.6, -2.0});
  // No correct answer: SOL = mean(100, 200, 300) = 200: -1, 0, -1.
  check_terms(shorter_better_terms({s(kWrong, 100), s(kWrong, 200), s(kWrong, 300)}, 0.01),
              {-1.0, 0.0, -1.0});
  // G = 1 (correct or wrong), equal lengths, empty completions: L = SOL, so 0.
  check_terms(shorter_better_terms({s(kRight, 70)}, 0.01), {0.0});
  check_terms(shorter_better_terms({s(kWrong, 70)}, 0.01), {0.0});
  check_terms(shorter_better_terms({s(kRight, 70), s(kWrong, 70)}, 0.01), {0.0, 0.0});
  check_terms(shorter_better_terms({s(kRight, 0), s(kWrong, 0)}, 0.01), {0.0, 0.0});
}

TEST_CASE("lc_r1: correct answers gain w * (1 - L / max_correct)", "[penalty]") {
  // max correct length 400: 1 - 100/400 = 0.75, 1 - 200/400 = 0.5, 0; wrong 0.
  check_terms(lc_r1_terms({s(kRight, 100), s(kRight, 200), s(kRight, 400), s(kWrong, 800)}, 1.0),
              {0.75, 0.5, 0.0, 0.0});
  // w = 2 doubles it: 1.5, 1, 0, 0.
  check_terms(lc_r1_terms({s(kRight, 100), s(kRight, 200), s(kRight, 400), s(kWrong, 800)}, 2.0),
              {1.5, 1.0, 0.0, 0.0});
  // No correct answer, G = 1, equal lengths: 0.
  check_terms(lc_r1_terms({s(kWrong, 10), s(kWrong, 20)}, 1.0), {0.0, 0.0});
  check_terms(lc_r1_terms({s(kRight, 10)}, 1.0), {0.0});
  check_terms(lc_r1_terms({s(kRight, 10), s(kRight, 10)}, 1.0), {0.0, 0.0});
  // Empty completions: an empty correct answer beside a 100-token one gains 1 - 0/100 = 1;
  // when all correct answers are empty (max 0) there is nothing to divide by: 0.
  check_terms(lc_r1_terms({s(kRight, 0), s(kRight, 100)}, 1.0), {1.0, 0.0});
  check_terms(lc_r1_terms({s(kRight, 0), s(kWrong, 5)}, 1.0), {0.0, 0.0});
}

TEST_CASE("cosine: r_L + (r_0 - r_L)(1 + cos(pi L / L_max))/2 - acc", "[penalty]") {
  const CosineConfig paper;  // r_0^c 2, r_L^c 1, r_0^w -10, r_L^w 0, r_e -10
  // L_max 100. Correct: L 0 -> 1 + 0.5*1*2 = 2 -> +1; L 50 -> cos = 0 -> 1.5 -> +0.5;
  // L 25 -> 1 + 0.5*(1 + cos(pi/4)) = 1.8535533905932737 -> +0.8535533905932737.
  // Wrong: L 0 -> 0 + 0.5*(-10)*2 = -10; L 50 -> -5; L 75 -> 0.5*(-10)*(1 + cos(3pi/4))
  // = -1.4644660940672627.
  check_terms(cosine_terms({s(kRight, 0), s(kRight, 50), s(kRight, 25), s(kWrong, 0), s(kWrong, 50),
                            s(kWrong, 75)},
                           paper, 100),
              {1.0, 0.5, 0.8535533905932737, -10.0, -5.0, -1.4644660940672627});
  // Reaching L_max, or being cut off, earns r_e = -10: -10 - 1 when correct, -10 when wrong.
  check_terms(cosine_terms({s(kRight, 100), s(kWrong, 60, false), s(kRight, 150)}, paper, 100),
              {-11.0, -10.0, -11.0});
}

TEST_CASE("dapo_overlong: a ramp over the last L_cache tokens", "[penalty]") {
  // L_max 20, L_cache 5, so the ramp starts after 15 tokens: L 15 -> 0; L 16 -> (15-16)/5 =
  // -0.2; L 20 -> -5/5 = -1; L 21 -> -1; L 0 -> 0.
  check_terms(
      dapo_overlong_terms(
          {s(kRight, 15), s(kWrong, 16), s(kRight, 20), s(kRight, 21), s(kRight, 0)}, 1.0, 20, 5),
      {0.0, -0.2, -1.0, -1.0, 0.0});
  // Penalty factor 0.5: L 18 -> 0.5 * (15-18)/5 = -0.3; beyond L_max -> -0.5.
  check_terms(dapo_overlong_terms({s(kRight, 18), s(kWrong, 30)}, 0.5, 20, 5), {-0.3, -0.5});
}

TEST_CASE("truncate: accuracy counts only within the budget", "[penalty]") {
  // Budget 100: at the budget 0; one over -1; cut off -1; wrong answers have nothing to lose.
  check_terms(truncate_terms({s(kRight, 100), s(kRight, 101), s(kRight, 50, false), s(kWrong, 200),
                              s(kRight, 0)},
                             100),
              {0.0, -1.0, -1.0, 0.0, 0.0});
}

TEST_CASE("per-sample penalties give a sample the same term alone as in any group", "[penalty]") {
  // linear, l1_*, cosine, dapo_overlong and truncate look at one sample at a time, so G = 1,
  // equal lengths and groups without a correct answer change nothing: each sample's term in
  // these groups must equal its term when scored alone.
  const std::vector<std::vector<PenaltySample>> groups = {
      {s(kRight, 40, true, 50), s(kWrong, 40, true, 50), s(kRight, 40, true, 50)},  // equal
      {s(kWrong, 10, true, 50), s(kWrong, 90, false, 50)},                          // none right
      {s(kRight, 0, true, 50), s(kWrong, 0, true, 50)},                             // empty
      {s(kRight, 120, true, 50), s(kRight, 5, true, 50), s(kWrong, 70, true, 50)}};
  for (PenaltyKind kind :
       {PenaltyKind::kLinear, PenaltyKind::kL1Exact, PenaltyKind::kL1Max, PenaltyKind::kCosine,
        PenaltyKind::kDapoOverlong, PenaltyKind::kTruncate}) {
    LengthPenaltyConfig config;
    config.kind = kind;
    config.alpha = 0.01;
    for (const std::vector<PenaltySample>& group : groups) {
      const std::vector<double> together = length_terms(config, 100, 60, group);
      for (size_t i = 0; i < group.size(); ++i) {
        INFO(penalty_kind_name(kind) << ", sample " << i);
        CHECK(together[i] == length_terms(config, 100, 60, {group[i]})[0]);
      }
    }
  }
}

TEST_CASE("length_terms dispatches on the kind", "[penalty]") {
  const std::vector<PenaltySample> group = {s(kRight, 10), s(kWrong, 20), s(kRight, 30),
                                            s(kWrong, 50)};
  LengthPenaltyConfig config;
  check_terms(length_terms(config, 100, 100, group), {0.0, 0.0, 0.0, 0.0});  // none
  config.alpha = 0.5;
  config.kind = PenaltyKind::kLinear;
  check_terms(length_terms(config, 100, 100, group), {-0.05, -0.1, -0.15, -0.25});
  config.kind = PenaltyKind::kKimi;
  check_terms(length_terms(config, 100, 100, group), {0.25, 0.0, 0.0, -0.25});
  config.kind = PenaltyKind::kTruncate;
  check_terms(length_terms(config, 100, 25, group), {0.0, 0.0, -1.0, 0.0});
  // dapo_overlong with the default cache: a fifth of L_max 100 = 20, ramp from 80.
  config.kind = PenaltyKind::kDapoOverlong;
  config.alpha = 1.0;
  CHECK(overlong_cache(config, 100) == 20);
  CHECK(overlong_cache(config, 20480) == 4096);                          // DAPO's 4096 of 20480
  check_terms(length_terms(config, 100, 100, {s(kRight, 90)}), {-0.5});  // (80-90)/20
  config.overlong.cache = 40;
  check_terms(length_terms(config, 100, 100, {s(kRight, 90)}), {-0.75});  // (60-90)/40
}

TEST_CASE("alp: -(beta/N) * max(solve rate, 1/K) * L", "[penalty]") {
  // beta 0.5, N = L_max 100. Group of 4 with 3 correct: p = 0.75, so the slope is
  // 0.5/100 * 0.75 = 0.00375 per token: L 20 -> -0.075, 40 -> -0.15, 80 -> -0.3, 0 -> 0.
  check_terms(alp_terms({s(kRight, 20), s(kRight, 40), s(kWrong, 80), s(kRight, 0)}, 0.5, 100),
              {-0.075, -0.15, -0.3, 0.0});
  // No sample correct: p = 0 is floored at 1/K = 1/4, slope 0.00125: L 40 -> -0.05.
  check_terms(alp_terms({s(kWrong, 40), s(kWrong, 40), s(kWrong, 0), s(kWrong, 80)}, 0.5, 100),
              {-0.05, -0.05, 0.0, -0.1});
  // The easier the prompt, the harder the same length is penalised.
  const double easy = alp_terms({s(kRight, 50), s(kRight, 50)}, 1.0, 100)[0];
  const double hard = alp_terms({s(kRight, 50), s(kWrong, 50)}, 1.0, 100)[0];
  CHECK(easy == Approx(-0.5));
  CHECK(hard == Approx(-0.25));
}

TEST_CASE("the gate zeroes the length term of wrong answers and of weak groups", "[penalty]") {
  // linear, alpha 1, L_max 100: the ungated terms are -L/100.
  LengthPenaltyConfig config;
  config.kind = PenaltyKind::kLinear;
  config.alpha = 1.0;
  const std::vector<PenaltySample> half = {s(kRight, 10), s(kWrong, 20), s(kRight, 30),
                                           s(kWrong, 40)};
  check_terms(length_terms(config, 100, 100, half), {-0.1, -0.2, -0.3, -0.4});
  config.gate.correct_only = true;
  check_terms(length_terms(config, 100, 100, half), {-0.1, 0.0, -0.3, 0.0});
  // Group accuracy 0.5: open at a floor of 0.5, shut at 0.75.
  config.gate.correct_only = false;
  config.gate.min_group_accuracy = 0.5;
  check_terms(length_terms(config, 100, 100, half), {-0.1, -0.2, -0.3, -0.4});
  config.gate.min_group_accuracy = 0.75;
  check_terms(length_terms(config, 100, 100, half), {0.0, 0.0, 0.0, 0.0});
  // 0.7 of 10 samples is 7 correct, although 0.7 * 10 is not exactly 7 in floating point.
  std::vector<PenaltySample> ten(10, s(kWrong, 50));
  for (int i = 0; i < 7; ++i) ten[i] = s(kRight, 50);
  config.gate.min_group_accuracy = 0.7;
  CHECK(length_terms(config, 100, 100, ten)[0] == Approx(-0.5));
  // Both gates together on a group above the floor: only the correct answers pay.
  config.gate.correct_only = true;
  config.gate.min_group_accuracy = 0.5;
  check_terms(length_terms(config, 100, 100, {s(kRight, 10), s(kWrong, 20)}), {-0.1, 0.0});
}

}  // namespace
}  // namespace terse
