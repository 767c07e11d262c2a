// The completion format and its token count under the character-level tokenizer.
#include "data/completion.h"

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("completions put the trace and the answer in their tags", "[completion]") {
  Problem p;
  p.long_trace = "goal 1+2;3";
  p.core_trace = "3";
  p.answer = "3";
  CHECK(long_completion(p) == "<think>goal 1+2;3</think><answer>3</answer>");
  CHECK(core_completion(p) == "<think>3</think><answer>3</answer>");
  CHECK(direct_completion(p) == "<think></think><answer>3</answer>");
}

TEST_CASE("tags count one token, every other character one", "[completion]") {
  CHECK(count_tokens("") == 0);
  CHECK(count_tokens("<think></think><answer></answer>") == 4);
  // 4 tags + "3" + "3" = 6.
  CHECK(count_tokens("<think>3</think><answer>3</answer>") == 6);
  CHECK(count_tokens("<think>goal 1+2;3</think><answer>3</answer>") == 4 + 10 + 1);
  // A tag's pieces alone are ordinary characters.
  CHECK(count_tokens("<think") == 6);
  // UTF-8: "é" (2 bytes) and "€" (3 bytes) are one character each.
  CHECK(count_tokens("caf\xC3\xA9 \xE2\x82\xAC") == 6);
  // A stray continuation byte is one token on its own.
  CHECK(count_tokens("a\x80z") == 3);
}

}  // namespace
}  // namespace terse
