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

TEST_CASE("a fitted trace keeps the core and the runs of optional blocks that fit",
          "[completion]") {
  Problem p;
  p.answer = "85";
  p.core_trace = "15;8";  // 4 tokens
  // Runs between core steps: "goal 47+38" (10), "check 7+8=15;back 15-8=7" (24),
  // "verify 85-38=47" (15); each kept run costs its tokens and a `;`.
  p.long_trace = "goal 47+38;15;check 7+8=15;back 15-8=7;8;verify 85-38=47";
  CHECK(fitted_trace(p, 0) == "15;8");   // not even the core fits: the core
  CHECK(fitted_trace(p, 14) == "15;8");  // 4 + 11 = 15 > 14
  CHECK(fitted_trace(p, 15) == "goal 47+38;15;8");
  // 15 + 25 = 40 > 39: the check run is left out, the verify run (15 + 16 = 31) still fits.
  CHECK(fitted_trace(p, 39) == "goal 47+38;15;8;verify 85-38=47");
  CHECK(fitted_trace(p, 56) == p.long_trace);  // 4 + 11 + 25 + 16 = 56
  CHECK(count_tokens(p.long_trace) == 56);
  CHECK(fitted_completion(p, 15) == "<think>goal 47+38;15;8</think><answer>85</answer>");
  // Without a core, or with core steps the long trace does not hold in order: the long trace.
  Problem jsonl = p;
  jsonl.core_trace.clear();
  CHECK(fitted_trace(jsonl, 5) == p.long_trace);
  Problem odd = p;
  odd.core_trace = "8;15";
  CHECK(fitted_trace(odd, 5) == p.long_trace);
}

TEST_CASE("fitted traces of real problems stay within the budget unless the core is longer",
          "[completion]") {
  DataConfig data;
  data.train_size = 200;
  const auto problems = load_split(data, Split::kTrain);
  REQUIRE(problems.ok());
  for (const Problem& p : *problems) {
    for (const int64_t budget : {0, 8, 16, 32, 64}) {
      const std::string trace = fitted_trace(p, budget);
      INFO(p.long_trace << " @" << budget << ": " << trace);
      CHECK(count_tokens(trace) <= std::max(budget, count_tokens(p.core_trace)));
      CHECK(count_tokens(trace) >= count_tokens(p.core_trace));
    }
    CHECK(fitted_trace(p, 100000) == p.long_trace);
  }
}

}  // namespace
}  // namespace terse
