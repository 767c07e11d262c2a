// The completion format and its token count under the character-level tokenizer.
#include "data/completion.h"

#include <algorithm>

#include "data/dataset.h"
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

TEST_CASE("a fitted trace keeps the core and the optional blocks up to the first that does not fit",
          "[completion]") {
  Problem p;
  p.answer = "85";
  p.core_trace = "15;8";  // 4 tokens
  // Optional blocks: "goal 47+38" (10), "check 7+8=15" (12), "back 15-8=7" (11),
  // "verify 85-38=47" (15), "so 85" (5); each kept block costs its tokens and a `;`.
  p.long_trace = "goal 47+38;15;check 7+8=15;back 15-8=7;8;verify 85-38=47;so 85";
  CHECK(fitted_trace(p, 0) == "15;8");   // not even the core fits: the core
  CHECK(fitted_trace(p, 14) == "15;8");  // 4 + 11 = 15 > 14
  CHECK(fitted_trace(p, 15) == "goal 47+38;15;8");
  CHECK(fitted_trace(p, 28) == "goal 47+38;15;check 7+8=15;8");  // 15 + 13 = 28
  // 28 + 12 = 40 > 34: the back block is left out, and so is every block after it, although
  // "so 85" alone would still fit (28 + 6 = 34).
  CHECK(fitted_trace(p, 34) == "goal 47+38;15;check 7+8=15;8");
  CHECK(fitted_trace(p, 40) == "goal 47+38;15;check 7+8=15;back 15-8=7;8");
  CHECK(fitted_trace(p, 61) == "goal 47+38;15;check 7+8=15;back 15-8=7;8;verify 85-38=47");
  CHECK(fitted_trace(p, 62) == p.long_trace);  // 4 + 11 + 13 + 12 + 16 + 6 = 62
  CHECK(count_tokens(p.long_trace) == 62);
  CHECK(fitted_completion(p, 15) == "<think>goal 47+38;15;8</think><answer>85</answer>");
  // Without a core, or with core steps the long trace does not hold in order: the long trace.
  Problem jsonl = p;
  jsonl.core_trace.clear();
  CHECK(fitted_trace(jsonl, 5) == p.long_trace);
  Problem odd = p;
  odd.core_trace = "8;15";
  CHECK(fitted_trace(odd, 5) == p.long_trace);
}

TEST_CASE(
    "fitted traces of real problems stay within the budget unless the core is longer, and grow "
    "with it",
    "[completion]") {
  DataConfig data;
  data.train_size = 200;
  const auto problems = load_split(data, Split::kTrain);
  REQUIRE(problems.ok());
  for (const Problem& p : *problems) {
    int64_t shorter = 0;  // the fitted length at the budget before
    for (const int64_t budget : {0, 8, 16, 24, 32, 48, 64}) {
      const std::string trace = fitted_trace(p, budget);
      INFO(p.long_trace << " @" << budget << ": " << trace);
      CHECK(count_tokens(trace) <= std::max(budget, count_tokens(p.core_trace)));
      CHECK(count_tokens(trace) >= std::max(shorter, count_tokens(p.core_trace)));
      shorter = count_tokens(trace);
    }
    CHECK(fitted_trace(p, 100000) == p.long_trace);
  }
}

}  // namespace
}  // namespace terse
