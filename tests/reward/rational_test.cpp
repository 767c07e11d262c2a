#include "reward/rational.h"

#include <cstdint>
#include <limits>

#include "tests/catch.h"

namespace terse {
namespace {

Rational r(int64_t num, int64_t den = 1) { return *Rational::of(num, den); }

TEST_CASE("Rational reduces to lowest terms with a positive denominator", "[rational]") {
  CHECK(r(6, 8).num() == 3);
  CHECK(r(6, 8).den() == 4);
  CHECK(r(3, -4).num() == -3);  // the sign moves to the numerator
  CHECK(r(3, -4).den() == 4);
  CHECK(r(0, -5) == r(0));
  CHECK(r(-6, -8) == r(3, 4));
  CHECK_FALSE(Rational::of(1, 0).has_value());
  CHECK_FALSE(Rational::of(std::numeric_limits<int64_t>::min()).has_value());
  CHECK(r(-7).to_string() == "-7");
  CHECK(r(6, 8).to_string() == "3/4");
}

TEST_CASE("Rational arithmetic is exact", "[rational]") {
  // 1/3 + 1/6 = 2/6 + 1/6 = 1/2
  CHECK(*add(r(1, 3), r(1, 6)) == r(1, 2));
  // 1/3 - 1/2 = 2/6 - 3/6 = -1/6
  CHECK(*subtract(r(1, 3), r(1, 2)) == r(-1, 6));
  // 2/3 * 9/4 = 18/12 = 3/2
  CHECK(*multiply(r(2, 3), r(9, 4)) == r(3, 2));
  // (3/4) / (3/8) = 24/12 = 2
  CHECK(*divide(r(3, 4), r(3, 8)) == r(2));
  CHECK_FALSE(divide(r(1), r(0)).has_value());
  CHECK(negate(r(3, 4)) == r(-3, 4));
}

TEST_CASE("Rational arithmetic reports overflow instead of wrapping", "[rational]") {
  const Rational big = r(std::numeric_limits<int64_t>::max());
  CHECK_FALSE(add(big, r(1)).has_value());
  CHECK_FALSE(multiply(big, r(2)).has_value());
  CHECK_FALSE(subtract(negate(big), r(1)).has_value());  // would be INT64_MIN
  CHECK(*subtract(big, big) == r(0));
  // 1/(2^62) + 1/(2^62 - 1) needs a denominator of about 2^124.
  CHECK_FALSE(add(r(1, int64_t{1} << 62), r(1, (int64_t{1} << 62) - 1)).has_value());
  // Reduction can bring a product back into range: (2^40/3) * (3/2^40) = 1.
  CHECK(*multiply(r(int64_t{1} << 40, 3), r(3, int64_t{1} << 40)) == r(1));
}

TEST_CASE("Rational::parse_decimal reads decimal literals exactly", "[rational]") {
  CHECK(*Rational::parse_decimal("18") == r(18));
  CHECK(*Rational::parse_decimal("18.00") == r(18));
  CHECK(*Rational::parse_decimal("0.75") == r(3, 4));
  CHECK(*Rational::parse_decimal(".5") == r(1, 2));
  CHECK(*Rational::parse_decimal("3.") == r(3));
  CHECK(*Rational::parse_decimal("007") == r(7));
  // 18 significant digits fit; leading and trailing zeros do not count.
  CHECK(*Rational::parse_decimal("999999999999999999") == r(999999999999999999));
  CHECK(*Rational::parse_decimal("000999999999999999999.000") == r(999999999999999999));
  CHECK_FALSE(Rational::parse_decimal("1000000000000000000").has_value());  // 19 digits
  CHECK_FALSE(Rational::parse_decimal("").has_value());
  CHECK_FALSE(Rational::parse_decimal(".").has_value());
  CHECK_FALSE(Rational::parse_decimal("1.2.3").has_value());
  CHECK_FALSE(Rational::parse_decimal("-1").has_value());
  CHECK_FALSE(Rational::parse_decimal("1,000").has_value());
}

}  // namespace
}  // namespace terse
