#include "reward/arithmetic_expression.h"

#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

Rational value_of(absl::string_view text) {
  const auto result = evaluate_arithmetic(text);
  INFO(text << ": " << result.status().ToString());
  REQUIRE(result.ok());
  return result->value;
}

Rational r(int64_t num, int64_t den = 1) { return *Rational::of(num, den); }

TEST_CASE("evaluate_arithmetic follows precedence and associativity", "[countdown]") {
  CHECK(value_of("1 + 2 * 3") == r(7));           // 1 + 6
  CHECK(value_of("(1 + 2) * 3") == r(9));         // 3 * 3
  CHECK(value_of("10 - 4 - 3") == r(3));          // (10 - 4) - 3, left to right
  CHECK(value_of("48 / 4 / 2") == r(6));          // (48 / 4) / 2
  CHECK(value_of("2 * (3 + (4 - 1))") == r(12));  // 2 * (3 + 3)
  CHECK(value_of("7 / 2") == r(7, 2));            // exact, not 3 or 3.5f
  CHECK(value_of("1/3 + 1/3 + 1/3") == r(1));     // exact thirds sum to one
  CHECK(value_of(" 42 ") == r(42));
}

TEST_CASE("evaluate_arithmetic lists the literals it used", "[countdown]") {
  const auto result = evaluate_arithmetic("(93 - 43) + 1");
  REQUIRE(result.ok());
  CHECK(result->literals == std::vector<int64_t>{93, 43, 1});
}

TEST_CASE("evaluate_arithmetic rejects what is not a plain equation", "[countdown]") {
  for (const char* bad : {"",
                          "   ",
                          "1 +",
                          "+ 1",
                          "-1 + 2",
                          "2 * -3",
                          "(1 + 2",
                          "1 + 2)",
                          "()",
                          "2(3)",
                          "(2)3",
                          "1 2",
                          "1.5 + 2",
                          "2 ** 3",
                          "2 ^ 3",
                          "1 / 0",
                          "4 / (2 - 2)",
                          "x + 1",
                          "1 = 1",
                          "1234567890123456789 + 1",
                          "\xC3\x97"
                          "2"}) {
    INFO("input: " << bad);
    const auto result = evaluate_arithmetic(bad);
    CHECK_FALSE(result.ok());
    CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(std::string(evaluate_arithmetic("1 / 0").status().message()).find("division by zero") !=
        std::string::npos);
  CHECK(std::string(evaluate_arithmetic("1 + x").status().message()) ==
        "unexpected character `x` at byte 4");
}

TEST_CASE("evaluate_arithmetic reports overflow", "[countdown]") {
  // 999999999999999999 * 999999999999999999 is about 10^36, beyond 64 bits.
  CHECK_FALSE(evaluate_arithmetic("999999999999999999 * 999999999999999999").ok());
}

}  // namespace
}  // namespace terse
