// An exact rational number with 64-bit parts and overflow-checked arithmetic. Verifiers use it
// to compare answers by value (`0.75` = `3/4`) and to evaluate countdown equations without
// floating point. Every operation that would leave the 64-bit range returns nullopt instead of
// wrapping, so adversarial input cannot produce a wrong "equal".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace terse {

class Rational {
 public:
  // Zero.
  Rational() = default;

  // num/den reduced to lowest terms with a positive denominator; nullopt when den == 0 or a
  // part is INT64_MIN (kept out so that every product and sum fits in 128 bits).
  static std::optional<Rational> of(int64_t num, int64_t den = 1);

  // Reads an unsigned decimal literal of digits with an optional `.` and fraction ("12",
  // "0.750", ".5", "3."); nullopt when malformed or when it needs more than 18 significant
  // digits.
  static std::optional<Rational> parse_decimal(absl::string_view text);

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }  // always > 0

  // "3/4", or "-7" when the denominator is 1.
  std::string to_string() const;

  friend bool operator==(const Rational& a, const Rational& b) {
    return a.num_ == b.num_ && a.den_ == b.den_;
  }
  friend bool operator!=(const Rational& a, const Rational& b) { return !(a == b); }

 private:
  Rational(int64_t num, int64_t den) : num_(num), den_(den) {}

  int64_t num_ = 0;
  int64_t den_ = 1;
};

// Exact arithmetic; nullopt on overflow of the 64-bit parts (and, for divide, on division by
// zero).
std::optional<Rational> add(const Rational& a, const Rational& b);
std::optional<Rational> subtract(const Rational& a, const Rational& b);
std::optional<Rational> multiply(const Rational& a, const Rational& b);
std::optional<Rational> divide(const Rational& a, const Rational& b);
// -a (never overflows, since INT64_MIN is excluded).
Rational negate(const Rational& a);

}  // namespace terse
