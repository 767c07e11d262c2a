// Hostile model output: each verifier and the format check must return, without crashing, on
// a 1 MB completion, a 10,000-digit number, 5,000 nested parentheses and invalid UTF-8. (Time
// is bounded by construction: every scan is linear; a quadratic one would stall this test.)
#include <string>
#include <vector>

#include "reward/countdown_verifier.h"
#include "reward/exact_verifier.h"
#include "reward/format_check.h"
#include "reward/math_verifier.h"
#include "tests/catch.h"

namespace terse {
namespace {

constexpr size_t kMegabyte = 1 << 20;

std::string repeat(const std::string& piece, size_t bytes) {
  std::string out;
  out.reserve(bytes + piece.size());
  while (out.size() < bytes) out += piece;
  return out;
}

// Runs every verifier and the format check; returns the math verdict.
Verdict grade_everywhere(const std::string& completion, const std::string& gold) {
  ExactVerifier().verify(completion, Reference{gold, {}, 0});
  CountdownVerifier(CountdownVerifierConfig{}).verify(completion, Reference{"", {1, 2}, 3});
  for (FormatAnswer answer : {FormatAnswer::kTags, FormatAnswer::kBoxed, FormatAnswer::kText}) {
    has_expected_format(completion, FormatConfig{false, answer});
  }
  return MathVerifier(MathVerifierConfig{}).verify(completion, Reference{gold, {}, 0});
}

TEST_CASE("1 MB completions of every troublesome shape", "[adversarial]") {
  const std::vector<std::string> pieces = {
      "a",    "\\boxed{", "{",         "}",       "\\text{",  "answer is ", "The answer is",
      "####", "<answer>", "</answer>", "<think>", "</think>", "1,000,",     "-",
      "9",    "1/",       "\\frac{",   "\\left(", "$",        "(",          "\xE2\x88\x92",
      ". "};
  for (const std::string& piece : pieces) {
    INFO("repeated piece: " << piece);
    grade_everywhere(repeat(piece, kMegabyte), "18");
  }
  // A whole megabyte inside one box, and one answer line of a megabyte.
  const std::string inside = "\\boxed{" + repeat("\\text{x}{", kMegabyte / 2) + "}";
  CHECK_FALSE(grade_everywhere(inside, "18").correct);
  const std::string long_line = "The answer is " + repeat("18 ", kMegabyte);
  CHECK_FALSE(grade_everywhere(long_line, "18").correct);
  // A megabyte of thinking before a correct answer still counts.
  const std::string thought = "<think>" + repeat("hmm ", kMegabyte) + "</think>#### 18";
  CHECK(grade_everywhere(thought, "18").correct);
}

TEST_CASE("a number with 10,000 digits", "[adversarial]") {
  const std::string digits = repeat("7", 10000);
  CHECK(grade_everywhere("#### " + digits, digits).correct);  // compared by canonical digits
  CHECK_FALSE(grade_everywhere("#### " + digits, digits + "1").correct);
  CHECK_FALSE(grade_everywhere("#### " + digits, "18").correct);
  CHECK_FALSE(grade_everywhere("#### 0." + digits, "0.7").correct);
  CHECK_FALSE(grade_everywhere("\\boxed{\\frac{" + digits + "}{" + digits + "}}", "1").correct);
  // Countdown refuses the literal instead of overflowing.
  CHECK_FALSE(CountdownVerifier(CountdownVerifierConfig{false})
                  .verify("<answer>" + digits + " - " + digits + "</answer>", Reference{"", {1}, 0})
                  .correct);
}

TEST_CASE("5,000 nested parentheses and braces", "[adversarial]") {
  const std::string open(5000, '('), close(5000, ')');
  // The countdown parser keeps explicit stacks: deep nesting is evaluated, not overflowed.
  CHECK(CountdownVerifier(CountdownVerifierConfig{})
            .verify("<answer>" + open + "1 + 2" + close + "</answer>", Reference{"", {1, 2}, 3})
            .correct);
  CHECK_FALSE(CountdownVerifier(CountdownVerifierConfig{})
                  .verify("<answer>" + open + "1 + 2" + "</answer>", Reference{"", {1, 2}, 3})
                  .correct);
  grade_everywhere("#### " + open + "18" + close, "18");
  // Braces nest inside a box and are stripped around the number.
  const std::string braces =
      "\\boxed{" + std::string(5000, '{') + "18" + std::string(5000, '}') + "}";
  CHECK(grade_everywhere(braces, "18").correct);
  grade_everywhere("\\boxed{" + std::string(5000, '{'), "18");
  grade_everywhere(repeat("\\frac{", 5000 * 6) + "1}{2}", "0.5");
}

TEST_CASE("invalid UTF-8 and NUL bytes", "[adversarial]") {
  const std::string garbage = std::string("\xFF\xFE\xC3\x28\xA0\xA1\xE2\x82", 8);
  CHECK(grade_everywhere(garbage + "#### 18" + garbage.substr(0, 1), "18").correct);
  CHECK_FALSE(grade_everywhere(garbage, "18").correct);
  const std::string with_nul = std::string(
      "#### 1\0"
      "8",
      8);
  CHECK_FALSE(grade_everywhere(with_nul, "18").correct);  // "1", then a NUL and another digit
  CHECK_FALSE(CountdownVerifier(CountdownVerifierConfig{})
                  .verify("<answer>1 \xFF 2</answer>", Reference{"", {1, 2}, 3})
                  .correct);
  grade_everywhere(repeat(garbage, kMegabyte), "18");
}

}  // namespace
}  // namespace terse
