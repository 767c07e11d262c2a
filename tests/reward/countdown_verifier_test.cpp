#include "reward/countdown_verifier.h"

#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

struct Case {
  const char* completion;
  bool correct;
};

TEST_CASE("the countdown verifier checks numbers, operators and the target", "[countdown]") {
  // numbers [93, 43, 1], target 51: (93 - 43) + 1 = 51.
  const Reference reference{"", {93, 43, 1}, 51};
  const CountdownVerifier verifier(CountdownVerifierConfig{});
  const std::vector<Case> cases = {
      {"<think>try 93-43=50</think>\n<answer>(93 - 43) + 1</answer>", true},
      {"<answer>1 + 93 - 43</answer>", true},
      {"<answer>(93 - 43) + 1 = 51</answer>", true},   // the claimed result is the target
      {"<answer>(93 - 43) + 1 = 50</answer>", false},  // the claimed result is not
      {"<answer>93 - 43 + 1.</answer>", true},
      {"Let me see.\n(93 - 43) + 1\n", true},       // no tags: the last line
      {"<answer>93 - 43</answer>", false},          // 50, and 1 unused
      {"<answer>93 - 43 + 1 + 1</answer>", false},  // 1 used twice
      {"<answer>93 - 42 + 0</answer>", false},      // numbers not given
      {"<answer>(93 - 43) * 1</answer>", false},    // 50
      {"<answer>51</answer>", false},               // the target alone
      {"<answer>eval('93-43+1')</answer>", false},
      {"<answer>(93 - 43) + 1</answer> <answer>93 + 43 + 1</answer>", false},  // the last counts
      {"<think><answer>(93 - 43) + 1</answer></think>", false},  // only inside the thought
      {"", false},
  };
  for (const Case& c : cases) {
    INFO("completion: " << c.completion);
    CHECK(verifier.verify(c.completion, reference).correct == c.correct);
  }
}

TEST_CASE("the countdown verifier evaluates exactly", "[countdown]") {
  const CountdownVerifier verifier(CountdownVerifierConfig{});
  // numbers [3, 4, 7], target 1: 7 / (3 + 4) = 1 exactly; (7 - 4) / 3 = 1.
  CHECK(verifier.verify("<answer>7 / (3 + 4)</answer>", Reference{"", {3, 4, 7}, 1}).correct);
  // numbers [6, 3, 4], target 8: 6 / (3 / 4) = 6 * 4/3 = 8 through the fraction 3/4.
  CHECK(verifier.verify("<answer>6 / (3 / 4)</answer>", Reference{"", {6, 3, 4}, 8}).correct);
  // numbers [2, 3, 4], target 0: 2/3 is not 0 although a truncating integer division gives 0.
  CHECK_FALSE(verifier.verify("<answer>2 / 3 * 4</answer>", Reference{"", {2, 3, 4}, 0}).correct);
}

TEST_CASE("use_all_numbers chooses exactly once or at most once", "[countdown]") {
  // numbers [10, 5, 2], target 15: 10 + 5 leaves 2 unused.
  const Reference reference{"", {10, 5, 2}, 15};
  const char* partial = "<answer>10 + 5</answer>";
  CHECK_FALSE(CountdownVerifier(CountdownVerifierConfig{true}).verify(partial, reference).correct);
  CHECK(CountdownVerifier(CountdownVerifierConfig{false}).verify(partial, reference).correct);
  // At most once still forbids reuse: 5 + 5 + 5.
  CHECK_FALSE(CountdownVerifier(CountdownVerifierConfig{false})
                  .verify("<answer>5 + 5 + 5</answer>", reference)
                  .correct);
  // Duplicated given numbers may each be used: numbers [5, 5, 5].
  CHECK(CountdownVerifier(CountdownVerifierConfig{true})
            .verify("<answer>5 + 5 + 5</answer>", Reference{"", {5, 5, 5}, 15})
            .correct);
}

TEST_CASE("the countdown verifier reports the equation it read", "[countdown]") {
  const CountdownVerifier verifier(CountdownVerifierConfig{});
  const Verdict verdict = verifier.verify("<answer> 2 * 3 </answer>", Reference{"", {2, 3}, 6});
  CHECK(verdict.correct);
  CHECK(verdict.extracted == std::string("2 * 3"));
  CHECK_FALSE(verifier.verify("  \n ", Reference{"", {2, 3}, 6}).extracted.has_value());
}

}  // namespace
}  // namespace terse
