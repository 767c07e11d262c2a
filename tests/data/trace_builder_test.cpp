// TraceBuilder: joins steps with `;`, keeps optional blocks with the set probability, and keeps
// long completions within the token budget.
#include "data/trace_builder.h"

#include <string>

#include "data/completion.h"
#include "tests/catch.h"

namespace terse {
namespace {

TraceBuilder example() {
  TraceBuilder builder;
  builder.optional("goal 2+2");
  builder.core("4");
  builder.optional("check 2+2=4");
  builder.core("done");
  return builder;
}

TEST_CASE("probability 1 keeps every block, 0 none", "[trace_builder]") {
  Rng rng(1);
  const Traces all = example().build(rng, {1.0, 1000}, "4");
  CHECK(all.long_trace == "goal 2+2;4;check 2+2=4;done");
  CHECK(all.core_trace == "4;done");
  const Traces none = example().build(rng, {0.0, 1000}, "4");
  CHECK(none.long_trace == "4;done");
  CHECK(none.core_trace == "4;done");
}

TEST_CASE("each block is kept independently with the probability", "[trace_builder]") {
  Rng rng(2);
  int goal = 0;
  int check = 0;
  int both = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const std::string trace = example().build(rng, {0.25, 1000}, "4").long_trace;
    const bool g = trace.find("goal") != std::string::npos;
    const bool c = trace.find("check") != std::string::npos;
    goal += g;
    check += c;
    both += g && c;
  }
  // Binomial(20000, 0.25) has standard deviation 61; 0.0625 * 20000 = 1250 has 34.
  CHECK(std::abs(goal - 5000) < 300);
  CHECK(std::abs(check - 5000) < 300);
  CHECK(std::abs(both - 1250) < 170);
}

TEST_CASE("a long completion over the budget is redrawn to fit", "[trace_builder]") {
  TraceBuilder builder;
  builder.core("1");
  for (int i = 0; i < 20; ++i) builder.optional("check 123456789");  // 15 characters each
  Rng rng(3);
  // <think>1;...</think><answer>1</answer>: 4 tags + answer 1 + core 1 = 6, each block 16 more.
  for (int i = 0; i < 200; ++i) {
    const Traces t = builder.build(rng, {0.5, 6 + 16 * 5}, "1");
    CHECK(count_tokens(make_completion(t.long_trace, "1")) <= 6 + 16 * 5);
    CHECK(t.core_trace == "1");
  }
  // A budget below the core keeps the core alone.
  const Traces tiny = builder.build(rng, {1.0, 3}, "1");
  CHECK(tiny.long_trace == "1");
}

}  // namespace
}  // namespace terse
