// Every gold answer of GSM8K's test set (tests/data/gsm8k/test.jsonl, MIT licence, from
// openai/grade-school-math) must parse, and the verifier must accept the gold reasoning itself;
// so must every final answer of its training set (tests/data/gsm8k/train_answers.txt: the text
// after `####` of each of the 7,473 problems, in order).
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "reward/answer_extractor.h"
#include "reward/answer_value.h"
#include "reward/math_verifier.h"
#include "tests/catch.h"

namespace terse {
namespace {

constexpr size_t kGsm8kTestSize = 1319;

std::vector<std::string> gsm8k_test_answers() {
  std::ifstream in(std::string(TERSE_SOURCE_DIR) + "/tests/data/gsm8k/test.jsonl");
  std::vector<std::string> answers;
  std::string line;
  while (std::getline(in, line)) {
    answers.push_back(nlohmann::json::parse(line).at("answer").get<std::string>());
  }
  return answers;
}

TEST_CASE("every GSM8K test gold answer parses and grades its own reasoning", "[math][gsm8k]") {
  const std::vector<std::string> answers = gsm8k_test_answers();
  REQUIRE(answers.size() == kGsm8kTestSize);
  const MathVerifier verifier(MathVerifierConfig{});
  int negatives = 0;
  int with_separators = 0;
  for (const std::string& gold : answers) {
    const absl::string_view final_answer = reference_answer(gold);
    INFO("gold: " << gold);
    const std::optional<NumericAnswer> value = read_numeric_answer(final_answer);
    REQUIRE(value.has_value());
    REQUIRE(value->exact.has_value());
    REQUIRE(value->exact->den() == 1);  // GSM8K answers are integers
    negatives += value->exact->num() < 0 ? 1 : 0;
    with_separators += final_answer.find(',') != absl::string_view::npos ? 1 : 0;

    // The gold reasoning, `#### N` line included, is a correct completion.
    CHECK(verifier.verify(gold, Reference{gold, {}, 0}).correct);
    // So is the bare number without separators, and the number in a box.
    const std::string plain = absl::StrReplaceAll(final_answer, {{",", ""}});
    CHECK(verifier.verify(plain, Reference{gold, {}, 0}).correct);
    CHECK(verifier.verify(absl::StrCat("\\boxed{", plain, "}"), Reference{gold, {}, 0}).correct);
    // Off by one, or by a factor of ten, is wrong.
    const int64_t n = value->exact->num();
    CHECK_FALSE(verifier.verify(absl::StrCat("#### ", n + 1), Reference{gold, {}, 0}).correct);
    CHECK_FALSE(verifier.verify(absl::StrCat("#### ", n * 10), Reference{gold, {}, 0}).correct);
  }
  // The test set has 14 answers with thousands separators and 2 negative ones (counted
  // independently, with a Python script over the file): both code paths ran.
  CHECK(with_separators == 14);
  CHECK(negatives == 2);
}

TEST_CASE("every GSM8K train final answer parses and grades", "[math][gsm8k]") {
  std::ifstream in(std::string(TERSE_SOURCE_DIR) + "/tests/data/gsm8k/train_answers.txt");
  const MathVerifier verifier(MathVerifierConfig{});
  int answers = 0, negatives = 0, with_separators = 0;
  for (std::string answer; std::getline(in, answer); ++answers) {
    INFO("answer " << answers << ": " << answer);
    const std::string gold = absl::StrCat("#### ", answer);
    const std::optional<NumericAnswer> value = read_numeric_answer(reference_answer(gold));
    REQUIRE(value.has_value());
    REQUIRE(value->exact.has_value());
    REQUIRE(value->exact->den() == 1);
    negatives += value->exact->num() < 0 ? 1 : 0;
    with_separators += answer.find(',') != std::string::npos ? 1 : 0;
    CHECK(verifier.verify(absl::StrCat("The answer is ", answer, "."), Reference{gold, {}, 0})
              .correct);
    CHECK_FALSE(
        verifier.verify(absl::StrCat("#### ", value->exact->num() + 1), Reference{gold, {}, 0})
            .correct);
  }
  // Counted independently with a Python script over train.jsonl.
  CHECK(answers == 7473);
  CHECK(with_separators == 79);
  CHECK(negatives == 3);
}

}  // namespace
}  // namespace terse
