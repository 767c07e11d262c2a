#include "reward/exact_verifier.h"

#include <string>

#include "reward/answer_value.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("normalize_answer_text ignores markup, case, spacing and punctuation", "[exact]") {
  CHECK(normalize_answer_text("  Paris. ") == "paris");
  CHECK(normalize_answer_text("\\text{New   York}") == "new york");
  CHECK(normalize_answer_text("\"Yes!\"") == "yes");
  CHECK(normalize_answer_text("$x^2$") == "x^2");
  CHECK(normalize_answer_text("\\dfrac{a}{b}") == "\\frac{a}{b}");
  CHECK(normalize_answer_text("\\textbf{(B)}") == "b");
}

TEST_CASE("the exact verifier compares normalised answers", "[exact]") {
  const ExactVerifier verifier;
  CHECK(verifier.verify("<think>France...</think><answer>Paris</answer>", Reference{"paris", {}, 0})
            .correct);
  CHECK(verifier.verify("The answer is Paris.", Reference{"Paris", {}, 0}).correct);
  CHECK(verifier.verify("\\boxed{\\text{Paris}}", Reference{"Paris", {}, 0}).correct);
  CHECK(verifier.verify("  Paris\n", Reference{"Paris", {}, 0}).correct);  // no marker: all
  CHECK(verifier.verify("#### (B)", Reference{"B", {}, 0}).correct);
  CHECK_FALSE(verifier.verify("<answer>Lyon</answer>", Reference{"Paris", {}, 0}).correct);
  CHECK_FALSE(verifier.verify("I think it is Paris", Reference{"Paris", {}, 0}).correct);
  CHECK_FALSE(verifier.verify("<answer>Paris, France</answer>", Reference{"Paris", {}, 0}).correct);
  // Strings, not values: 18.0 is not "18".
  CHECK_FALSE(verifier.verify("#### 18.0", Reference{"18", {}, 0}).correct);
  const Verdict verdict = verifier.verify("<answer> Paris </answer>", Reference{"x", {}, 0});
  CHECK(verdict.extracted == std::string("Paris"));
  CHECK_FALSE(verifier.verify("<think>a</think>  ", Reference{"x", {}, 0}).extracted.has_value());
}

}  // namespace
}  // namespace terse
