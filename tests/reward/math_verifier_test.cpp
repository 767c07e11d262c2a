#include "reward/math_verifier.h"

#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

struct Case {
  const char* completion;
  const char* gold;
  bool correct;
};

// The `math` verifier with its default settings (last-number fallback on). Each row is a
// completion, a gold answer and whether they must agree; the near-misses must be rejected.
const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      // --- Where the answer is found ---
      {"#### 18", "18", true},
      {"Janet sells 9 eggs.\n#### 18", "18", true},
      {"####18", "18", true},
      {"####   18   \n", "18", true},
      {"The answer is 18.", "18", true},
      {"the answer is: 18", "18", true},
      {"The final answer is 18", "18", true},
      {"**Answer:** 18", "18", true},
      {"Final Answer: 42", "42", true},
      {"ANSWER IS 42", "42", true},
      {"Answer: 18 dollars", "18", true},
      {R"(\boxed{18})", "18", true},
      {R"($\boxed{18}$)", "18", true},
      {R"(\boxed 18)", "18", true},
      {R"(\boxed{ 18 })", "18", true},
      {"<answer>18</answer>", "18", true},
      {"<answer> 18 </answer>", "18", true},
      {"<answer>\n18\n</answer>", "18", true},
      {"<answer>The answer is 18.</answer>", "18", true},
      {R"(<answer>\boxed{18}</answer>)", "18", true},
      {"<think>maybe 17</think><answer>18</answer>", "18", true},
      {"<think>the answer is 18</think>The answer is 17.", "18", false},
      {"<think>I get 18</think>", "18", false},  // nothing after the thought
      {"<think>#### 18</think>#### 17", "18", false},
      {"She makes 9 * 2 = 18 dollars.", "18", true},  // last number
      {"First 16 - 3 - 4 = 9, then 9 * 2 = 18", "18", true},
      {"I think 40 + 2 = 42", "42", true},
      {"Total: 3 + 4 = 7 apples", "7", true},
      {"Total: 3 + 4 = 7 apples", "4", false},
      {"The result is 18 and not 81", "18", false},  // last number is 81
      {"42", "42", true},
      {R"(\boxed{17} wait, no: \boxed{18})", "18", true},
      {R"(\boxed{18} but wait \boxed{17})", "18", false},
      {"#### 17\n#### 18", "18", true},
      {"#### 18\n\nActually, 19", "18", true},  // a marker beats the last number
      {"The answer is 18. Let me double check: 17.", "18", true},
      {"the answer is 17 ... no. Answer: 18", "18", true},
      {R"(\boxed{18} #### 17)", "18", true},
      {R"(<answer>17</answer> \boxed{18})", "18", false},
      {"the answer is 42\nThe end 7", "42", true},
      {"The answer is\n18", "18", true},  // empty phrase line: the last number
      {"The answer is 3.5. Done", "3.5", true},
      {"The answer is 3.5 cups.", "3.5", true},
      {"<answer>18", "18", true},  // unclosed tag: the last number
      // --- Values: separators, currency, percent, trailing zeros ---
      {"#### 1,450,000", "1450000", true},
      {"#### 1450000", "1,450,000", true},
      {R"(\boxed{\$1,450,000})", "1450000", true},
      {"#### 2,125", "2125", true},
      {"#### 5,600", "5600", true},
      {"#### 1000", "1,000", true},
      {R"(\boxed{12{,}000})", "12000", true},
      {R"(\boxed{1,000})", "1000", true},
      {"#### 1,000.5", "1000.5", true},
      {"#### $1,234.50", "1234.5", true},
      {"#### 1234.5", "$1,234.50", true},
      {"The answer is $18.", "18", true},
      {R"(The answer is \$18.00)", "18", true},
      {R"(The answer is: $\$18$)", "18", true},
      {"#### $18", "18", true},
      {"#### 18 dollars", "18", true},
      {"The price is \xE2\x82\xAC"
       "18",
       "18", true},  // euro sign
      {"#### 18.0", "18", true},
      {"#### 18.00", "18.0", true},
      {"The answer is 18.", "18.0", true},
      {"#### 10", "10.0", true},
      {"#### 018", "18", true},
      {"#### 007", "7", true},
      {"#### 7.000", "7", true},
      {"#### 7.50", "7.5", true},
      {R"(\boxed{\$7.50})", "7.5", true},
      {"#### 3.14", "3.140", true},
      {"#### 0.5", ".5", true},
      {"#### 50%", "50", true},
      {R"(\boxed{50\%})", "50", true},
      {R"(\boxed{18^\circ})", "18", true},
      {R"(\boxed{18^{\circ}})", "18", true},
      {"#### 0", "0", true},
      {"#### -0", "0", true},
      {"#### 0.0", "0", true},
      // --- Fractions ---
      {"#### 0.75", "3/4", true},
      {R"(\boxed{\frac{3}{4}})", "0.75", true},
      {R"(\boxed{\dfrac{3}{4}})", "3/4", true},
      {R"(\boxed{\tfrac34})", "0.75", true},
      {R"(\boxed{6/8})", "3/4", true},
      {"#### 3/4", R"(\frac{3}{4})", true},
      {R"(\boxed{\frac{3}{4}})", R"(\frac{6}{8})", true},
      {R"(\boxed{0.750})", "3/4", true},
      {"#### 1/2", "0.5", true},
      {"#### 2/4", "1/2", true},
      {"#### 1/3", "2/6", true},
      {"#### 3 / 4", "0.75", true},
      {R"(\boxed{\frac{10}{4}})", "2.5", true},
      {R"(\boxed{\frac{ 10 }{ 4 }})", "5/2", true},
      // --- Negatives ---
      {"#### -10", "-10", true},
      {"#### \xE2\x88\x92"
       "3",
       "-3", true},  // U+2212 minus sign
      {R"(\boxed{-18})", "-18", true},
      {"\\boxed{\xE2\x88\x92"
       "18}",
       "-18", true},
      {"#### - 18", "-18", true},
      {R"(\boxed{+18})", "18", true},
      {"#### +18", "18", true},
      {R"(\boxed{-\frac{1}{2}})", "-0.5", true},
      {R"(\boxed{\frac{-1}{2}})", "-0.5", true},
      {"#### -1/3", "-2/6", true},
      {"The temperature is -3 degrees", "-3", true},
      {"Temperature: (-3)", "-3", true},
      {"We compute 5-3", "3", true},
      // --- LaTeX dressing and surrounding punctuation ---
      {R"(\boxed{\text{18}})", "18", true},
      {R"(\boxed{18 \text{ dollars}})", "18", true},
      {R"(\boxed{18\text{ eggs}})", "18", true},
      {R"(\boxed{\textbf{18}})", "18", true},
      {R"(\boxed{\mathrm{18}})", "18", true},
      {R"(\boxed{\mbox{18}})", "18", true},
      {R"(\boxed{\left(18\right)})", "18", true},
      {R"(\boxed{18.})", "18", true},
      {R"(\boxed{x = 18})", "18", true},
      {"x = 18", "18", true},
      {"The answer is 18 eggs.", "18", true},
      {"The answer is (18).", "18", true},
      {"The answer is **18**.", "18", true},
      {"The answer is 18!", "18", true},
      {"The answer is 18 dollars per day.", "18", true},
      // --- Gold answers in other formats ---
      {"#### 18", "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 eggs.\n#### 18", true},
      {"so 18", "She makes 9 * 2 = $<<9*2=18>>18.\n#### 18", true},
      {"#### 18", R"(\boxed{18})", true},
      {"18", "$18", true},
      {"#### 18", " 18 \n", true},
      // --- Answers that are not numbers compare as normalised text ---
      {R"(\boxed{\pi})", R"(\pi)", true},
      {R"(\boxed{\frac{\pi}{2}})", R"(\frac{\pi}{2})", true},
      {R"(\boxed{\dfrac{\pi}{2}})", R"(\frac{\pi}{2})", true},
      {R"(\boxed{x^2})", "x^2", true},
      {R"(\boxed{\text{Monday}})", "monday", true},
      {R"(\boxed{\pi})", "3.14", false},  // one number, one not
      {R"(\boxed{\frac{\pi}{3}})", R"(\frac{\pi}{2})", false},
      {"the answer is eighteen", "18", false},
      // --- Numbers too long for 64 bits compare by their canonical digits ---
      {"#### 123456789012345678901234567890", "123456789012345678901234567890", true},
      {"#### 123456789012345678901234567890", "123456789012345678901234567891", false},
      {"#### 123,456,789,012,345,678,901", "123456789012345678901", true},
      {"#### 0.1234567890123456789", "0.12345678901234567890", true},
      // --- Near-misses that must be rejected ---
      {"#### 180", "18", false},
      {"#### 1.8", "18", false},
      {"#### -18", "18", false},
      {R"(\boxed{18})", "-18", false},
      {"#### 18.01", "18", false},
      {"#### 81", "18", false},
      {"#### 17", "18", false},
      {R"(\boxed{18})", "19", false},
      {"The answer is 19.", "18", false},
      {"#### 1,800", "18", false},
      {"#### 18,000", "18", false},
      {"#### 1.000", "1000", false},
      {"#### 0.75", "3/5", false},
      {R"(\boxed{\frac{3}{5}})", "0.75", false},
      {"#### 3/4", "4/3", false},
      {"#### -1/3", "1/3", false},
      {R"(#### -\frac{3}{4})", "0.75", false},
      {R"(\boxed{\frac{1}{3}})", "0.3333", false},
      {"#### 0.333", "1/3", false},
      {"#### 1/3", "0.333", false},
      {"#### 18 or 19", "18", false},
      {"The answer is 18 or 19.", "18", false},
      {"#### 18-19", "18", false},
      {"#### 18/0", "18", false},
      {"#### 3.0001", "3", false},
      {"#### 12,00", "1200", false},  // not a thousands group
      {"#### 1,2345", "12345", false},
      {"#### 1e3", "1000", false},
      {"#### 70", "7", false},
      {"#### 0.07", "7", false},
      {"#### 7%", "0.07", false},  // a percent sign is dropped, not divided by 100
      {"#### 0.5", "50%", false},
      {"#### 18.5", "18", false},
      {"18", "18.5", false},
      {"#### 1.50", "15", false},
      {"#### 100", "1000", false},
      {"The answer is 1,000,000", "100000", false},
      {"<answer>17</answer>", "18", false},
      {"We compute 5-3", "-3", false},
      {"No number here", "18", false},
      {"", "18", false},
      {R"(\boxed{})", "18", false},
  };
  return table;
}

TEST_CASE("the math table has at least 150 cases, positive and negative", "[math]") {
  int positive = 0;
  for (const Case& c : cases()) positive += c.correct ? 1 : 0;
  CHECK(cases().size() >= 150);
  CHECK(positive >= 50);
  CHECK(cases().size() - positive >= 50);
}

TEST_CASE("the math verifier grades every case of the table", "[math]") {
  const MathVerifier verifier(MathVerifierConfig{});
  for (const Case& c : cases()) {
    INFO("completion: " << c.completion << "\ngold: " << c.gold);
    CHECK(verifier.verify(c.completion, Reference{c.gold, {}, 0}).correct == c.correct);
  }
}

TEST_CASE("the math verifier reports what it extracted", "[math]") {
  const MathVerifier verifier(MathVerifierConfig{});
  const Verdict boxed = verifier.verify(R"(so \boxed{\frac{3}{4}}.)", Reference{"0.75", {}, 0});
  CHECK(boxed.correct);
  CHECK(boxed.extracted == std::string(R"(\frac{3}{4})"));
  const Verdict wrong =
      verifier.verify("<think>x</think>The answer is 19.", Reference{"18", {}, 0});
  CHECK_FALSE(wrong.correct);
  CHECK(wrong.extracted == std::string("19"));
  const Verdict none = verifier.verify("no answer", Reference{"18", {}, 0});
  CHECK_FALSE(none.correct);
  CHECK_FALSE(none.extracted.has_value());
}

TEST_CASE("the last-number fallback can be turned off", "[math]") {
  const MathVerifier strict(MathVerifierConfig{false});
  const Verdict unmarked = strict.verify("She makes 18 dollars.", Reference{"18", {}, 0});
  CHECK_FALSE(unmarked.correct);
  CHECK_FALSE(unmarked.extracted.has_value());
  CHECK(strict.verify("#### 18", Reference{"18", {}, 0}).correct);
  CHECK(strict.verify("The answer is 18", Reference{"18", {}, 0}).correct);
  CHECK(strict.verify(R"(\boxed{18})", Reference{"18", {}, 0}).correct);
  // The same unmarked text passes with the fallback on.
  CHECK(MathVerifier(MathVerifierConfig{true})
            .verify("She makes 18 dollars.", Reference{"18", {}, 0})
            .correct);
}

}  // namespace
}  // namespace terse
