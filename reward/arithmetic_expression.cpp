#include "reward/arithmetic_expression.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/status.h"

namespace terse {
namespace {

constexpr size_t kMaxLiteralDigits = 18;  // always fits an int64

int precedence(char op) { return op == '*' || op == '/' ? 2 : op == '+' || op == '-' ? 1 : 0; }

std::optional<Rational> apply(char op, const Rational& a, const Rational& b) {
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      return subtract(a, b);
    case '*':
      return multiply(a, b);
    default:
      return divide(a, b);
  }
}

absl::Status error_at(size_t at, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", at));
}

std::string describe_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (absl::ascii_isprint(byte)) return absl::StrCat("character `", std::string(1, c), "`");
  return absl::StrFormat("byte 0x%02X", byte);
}

// The two stacks of the operator-precedence parser.
class Evaluator {
 public:
  absl::Status number(absl::string_view digits, size_t at) {
    if (!expect_operand_) return error_at(at, "missing operator before a number");
    if (digits.size() > kMaxLiteralDigits) return error_at(at, "number too long");
    int64_t n = 0;
    for (char c : digits) n = n * 10 + (c - '0');
    values_.push_back(*Rational::of(n));
    result_.literals.push_back(n);
    expect_operand_ = false;
    return absl::OkStatus();
  }

  absl::Status open(size_t at) {
    if (!expect_operand_) return error_at(at, "missing operator before `(`");
    ops_.push_back('(');
    return absl::OkStatus();
  }

  absl::Status close(size_t at) {
    if (expect_operand_) return error_at(at, "missing operand before `)`");
    while (!ops_.empty() && ops_.back() != '(') TERSE_RETURN_IF_ERROR(reduce(at));
    if (ops_.empty()) return error_at(at, "`)` without a matching `(`");
    ops_.pop_back();
    return absl::OkStatus();
  }

  absl::Status op(char c, size_t at) {
    if (expect_operand_) return error_at(at, "unary or missing operand before an operator");
    while (!ops_.empty() && precedence(ops_.back()) >= precedence(c)) {
      TERSE_RETURN_IF_ERROR(reduce(at));
    }
    ops_.push_back(c);
    expect_operand_ = true;
    return absl::OkStatus();
  }

  absl::StatusOr<EvaluatedExpression> finish(size_t at) {
    if (expect_operand_) return error_at(at, "expression ends without an operand");
    while (!ops_.empty()) {
      if (ops_.back() == '(') return error_at(at, "`(` is never closed");
      TERSE_RETURN_IF_ERROR(reduce(at));
    }
    result_.value = values_.back();
    return std::move(result_);
  }

 private:
  absl::Status reduce(size_t at) {
    const char c = ops_.back();
    ops_.pop_back();
    const Rational b = values_.back();
    values_.pop_back();
    const Rational a = values_.back();
    const std::optional<Rational> value = apply(c, a, b);
    if (!value) {
      return error_at(
          at, c == '/' && b.num() == 0 ? "division by zero" : "value outside the 64-bit rationals");
    }
    values_.back() = *value;
    return absl::OkStatus();
  }

  std::vector<Rational> values_;
  std::vector<char> ops_;
  EvaluatedExpression result_;
  bool expect_operand_ = true;
};

}  // namespace

absl::StatusOr<EvaluatedExpression> evaluate_arithmetic(absl::string_view text) {
  Evaluator evaluator;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    absl::Status status;
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      size_t end = i;
      while (end < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[end]))) ++end;
      status = evaluator.number(text.substr(i, end - i), i);
      i = end - 1;
    } else if (c == '(') {
      status = evaluator.open(i);
    } else if (c == ')') {
      status = evaluator.close(i);
    } else if (precedence(c) > 0) {
      status = evaluator.op(c, i);
    } else {
      status = error_at(i, absl::StrCat("unexpected ", describe_byte(c)));
    }
    if (!status.ok()) return status;
    ++i;
  }
  return evaluator.finish(text.size());
}

}  // namespace terse
