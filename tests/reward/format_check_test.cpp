#include "reward/format_check.h"

#include "tests/catch.h"

namespace terse {
namespace {

FormatConfig format(FormatAnswer answer, bool think_in_prompt = false) {
  FormatConfig config;
  config.answer = answer;
  config.think_in_prompt = think_in_prompt;
  return config;
}

TEST_CASE("the format check wants one thought, then tags", "[format]") {
  const FormatConfig tags = format(FormatAnswer::kTags);
  CHECK(has_expected_format("<think>\nwork\n</think>\n<answer>\n18\n</answer>\n", tags));
  CHECK(has_expected_format("  <think></think><answer>18</answer>", tags));         // empty thought
  CHECK_FALSE(has_expected_format("<think>work</think>18", tags));                  // no tags
  CHECK_FALSE(has_expected_format("<think>work</think><answer> </answer>", tags));  // blank
  CHECK_FALSE(has_expected_format("<think>work</think><answer>18</answer> more", tags));
  CHECK_FALSE(has_expected_format("<think>work</think>so <answer>18</answer>", tags));
  CHECK_FALSE(has_expected_format("<think>work</think><answer>1</answer><answer>2</answer>", tags));
  CHECK_FALSE(has_expected_format("work</think><answer>18</answer>", tags));  // never opened
  CHECK_FALSE(has_expected_format("<think>work<answer>18</answer>", tags));   // never closed
  CHECK_FALSE(has_expected_format("<think>a</think><think>b</think><answer>1</answer>", tags));
  CHECK_FALSE(has_expected_format("x<think>a</think><answer>1</answer>", tags));
  CHECK_FALSE(has_expected_format("", tags));
}

TEST_CASE("think_in_prompt expects the thought to be open already", "[format]") {
  const FormatConfig opened = format(FormatAnswer::kTags, true);
  CHECK(has_expected_format("work</think><answer>18</answer>", opened));
  CHECK_FALSE(has_expected_format("<think>work</think><answer>18</answer>", opened));
}

TEST_CASE("boxed and text answers", "[format]") {
  const FormatConfig boxed = format(FormatAnswer::kBoxed);
  CHECK(has_expected_format("<think>a</think>So \\boxed{18}.", boxed));
  CHECK_FALSE(has_expected_format("<think>a</think>So 18.", boxed));
  CHECK_FALSE(has_expected_format("<think>\\boxed{18}</think>So 18.", boxed));
  CHECK_FALSE(has_expected_format("<think>a</think>So \\boxed{18", boxed));
  const FormatConfig text = format(FormatAnswer::kText);
  CHECK(has_expected_format("<think>a</think>18", text));
  CHECK_FALSE(has_expected_format("<think>a</think>  \n", text));
}

}  // namespace
}  // namespace terse
