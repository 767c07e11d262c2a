#include "reward/answer_extractor.h"

#include <optional>
#include <string>

#include "reward/think_span.h"
#include "tests/catch.h"

namespace terse {
namespace {

std::string text_of(std::optional<absl::string_view> found) {
  return found ? std::string(*found) : std::string("<none>");
}

TEST_CASE("find_tagged_answer takes the last complete pair", "[extract]") {
  CHECK(text_of(find_tagged_answer("<answer> 1 </answer> x <answer>2</answer>")) == "2");
  CHECK(text_of(find_tagged_answer("<answer>1</answer> <answer>2")) == "1");
  CHECK(text_of(find_tagged_answer("<answer>  </answer>")) == "<none>");
  CHECK(text_of(find_tagged_answer("</answer><answer>")) == "<none>");
}

TEST_CASE("find_boxed_answer matches nested braces", "[extract]") {
  CHECK(text_of(find_boxed_answer("so \\boxed{\\frac{3}{4}} done")) == "\\frac{3}{4}");
  CHECK(text_of(find_boxed_answer("\\boxed{1} then \\boxed{ {2} }")) == "{2}");
  CHECK(text_of(find_boxed_answer("\\boxed{\\{1\\}}")) == "\\{1\\}");  // escaped braces
  CHECK(text_of(find_boxed_answer("\\boxed 42$")) == "42");
  CHECK(text_of(find_boxed_answer("\\boxed{1} and \\boxed{2")) == "<none>");  // last unclosed
  CHECK(text_of(find_boxed_answer("\\boxed{}")) == "<none>");
  CHECK(text_of(find_boxed_answer("\\boxedfoo{1}")) == "<none>");
}

TEST_CASE("find_hashes_answer reads the rest of the last #### line", "[extract]") {
  CHECK(text_of(find_hashes_answer("a\n#### 17\nb\n#### 18 \nc")) == "18");
  CHECK(text_of(find_hashes_answer("####\n18")) == "<none>");
}

TEST_CASE("find_phrase_answer reads to the end of the sentence", "[extract]") {
  CHECK(text_of(find_phrase_answer("The answer is 18. Let me check.")) == "18");
  CHECK(text_of(find_phrase_answer("The answer is 3.5 cups.")) == "3.5 cups");
  CHECK(text_of(find_phrase_answer("The answer is 18!")) == "18");
  CHECK(text_of(find_phrase_answer("**Final Answer:** 42\nmore")) == "42");
  CHECK(text_of(find_phrase_answer("answer is 1; ANSWER: 2")) == "2");  // the later phrase
  CHECK(text_of(find_phrase_answer("The answer is\n18")) == "<none>");
}

TEST_CASE("find_last_number keeps signs, groups, decimals and fractions", "[extract]") {
  CHECK(text_of(find_last_number("9 * 2 = 18 dollars.")) == "18");
  CHECK(text_of(find_last_number("costs 1,450,000 in total")) == "1,450,000");
  CHECK(text_of(find_last_number("lists 1,2,3")) == "3");
  CHECK(text_of(find_last_number("it is -3 degrees")) == "-3");
  CHECK(text_of(find_last_number("5-3")) == "3");  // a subtraction, not -3
  CHECK(text_of(find_last_number("half is 1/2")) == "1/2");
  CHECK(text_of(find_last_number("pi is 3.14.")) == "3.14");
  CHECK(text_of(find_last_number("(\xE2\x88\x92"
                                 "7)")) ==
        "\xE2\x88\x92"
        "7");
  CHECK(text_of(find_last_number("no digits")) == "<none>");
}

TEST_CASE("find_marked_answer prefers tags, then boxes, ####, the phrase", "[extract]") {
  CHECK(text_of(find_marked_answer("<answer>1</answer> \\boxed{2} #### 3")) == "1");
  CHECK(text_of(find_marked_answer("<answer>so \\boxed{2}</answer>")) == "2");
  CHECK(text_of(find_marked_answer("\\boxed{2} #### 3 the answer is 4")) == "2");
  CHECK(text_of(find_marked_answer("#### 3\nthe answer is 4")) == "3");
  CHECK(text_of(find_marked_answer("the answer is 4")) == "4");
  CHECK(text_of(find_marked_answer("just 5")) == "<none>");
  CHECK(std::string(reference_answer("Step 1.\n#### 18")) == "18");
  CHECK(std::string(reference_answer("  \\frac{3}{4} ")) == "\\frac{3}{4}");
}

TEST_CASE("think spans and answer regions", "[extract]") {
  const std::string text = "<think>abc</think>xyz";
  const ThinkSpan span = find_think_span(text);
  CHECK(text.substr(span.begin, span.end - span.begin) == "abc");
  CHECK(std::string(answer_region(text)) == "xyz");
  // The prompt opened the thought: it runs from the start.
  const ThinkSpan opened = find_think_span("abc</think>xyz");
  CHECK(opened.begin == 0);
  CHECK(opened.end == 3);
  // Never closed: it runs to the end, and the whole text is searched for an answer.
  const ThinkSpan unclosed = find_think_span("<think>abc");
  CHECK(unclosed.begin == 7);
  CHECK(unclosed.end == 10);
  CHECK(std::string(answer_region("<think>abc")) == "<think>abc");
}

}  // namespace
}  // namespace terse
