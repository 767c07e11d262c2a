#include "reward/rational.h"

#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace terse {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// 18 decimal digits always fit in an int64 (10^18 - 1 < 2^63 - 1).
constexpr int kMaxSignificantDigits = 18;

__int128 abs_wide(__int128 x) { return x < 0 ? -x : x; }

__int128 gcd_wide(__int128 a, __int128 b) {
  a = abs_wide(a);
  b = abs_wide(b);
  while (b != 0) {
    const __int128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// num/den in lowest terms with den > 0, or nullopt when den == 0 or a reduced part does not fit
// in an int64 (INT64_MIN excluded).
std::optional<std::pair<int64_t, int64_t>> reduce_wide(__int128 num, __int128 den) {
  if (den == 0) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const __int128 g = num == 0 ? den : gcd_wide(num, den);
  num /= g;
  den /= g;
  if (abs_wide(num) > kMax || den > kMax) return std::nullopt;
  return std::make_pair(static_cast<int64_t>(num), static_cast<int64_t>(den));
}

std::optional<Rational> rational_of_wide(__int128 num, __int128 den) {
  const auto parts = reduce_wide(num, den);
  if (!parts) return std::nullopt;
  return Rational::of(parts->first, parts->second);
}

}  // namespace

std::optional<Rational> Rational::of(int64_t num, int64_t den) {
  if (num == std::numeric_limits<int64_t>::min() || den == std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  const auto parts = reduce_wide(num, den);
  if (!parts) return std::nullopt;
  return Rational(parts->first, parts->second);
}

std::optional<Rational> Rational::parse_decimal(absl::string_view text) {
  const size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!absl::ascii_isdigit(c)) return std::nullopt;
    }
  }
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.size() + fraction.size() > static_cast<size_t>(kMaxSignificantDigits)) {
    return std::nullopt;
  }
  int64_t num = 0;
  int64_t den = 1;
  for (char c : whole) num = num * 10 + (c - '0');
  for (char c : fraction) {
    num = num * 10 + (c - '0');
    den *= 10;
  }
  return of(num, den);
}

std::string Rational::to_string() const {
  if (den_ == 1) return absl::StrCat(num_);
  return absl::StrCat(num_, "/", den_);
}

std::optional<Rational> add(const Rational& a, const Rational& b) {
  // Parts are at most 2^63 - 1 in magnitude, so each product is below 2^126 and the sum below
  // 2^127: no 128-bit overflow.
  return rational_of_wide(
      static_cast<__int128>(a.num()) * b.den() + static_cast<__int128>(b.num()) * a.den(),
      static_cast<__int128>(a.den()) * b.den());
}

std::optional<Rational> subtract(const Rational& a, const Rational& b) { return add(a, negate(b)); }

std::optional<Rational> multiply(const Rational& a, const Rational& b) {
  return rational_of_wide(static_cast<__int128>(a.num()) * b.num(),
                          static_cast<__int128>(a.den()) * b.den());
}

std::optional<Rational> divide(const Rational& a, const Rational& b) {
  if (b.num() == 0) return std::nullopt;
  return rational_of_wide(static_cast<__int128>(a.num()) * b.den(),
                          static_cast<__int128>(a.den()) * b.num());
}

Rational negate(const Rational& a) { return *Rational::of(-a.num(), a.den()); }

}  // namespace terse
