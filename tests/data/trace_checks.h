// Test helpers that check traces independently of the code that writes them: an exact integer
// evaluator for + - * / and parentheses, and a checker that every equation in a trace is true.
#pragma once

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace terse::testing {

// Evaluates `text` with the usual precedence (* and / before + and -, left to right) in whole
// numbers: nullopt for a syntax error, a division that is not exact, or overflow past 2^62.
// `leaves`, when given, receives the numbers in the order they appear.
class ExactEvaluator {
 public:
  static std::optional<int64_t> evaluate(absl::string_view text,
                                         std::vector<int64_t>* leaves = nullptr) {
    ExactEvaluator e(text, leaves);
    const std::optional<int64_t> value = e.sum();
    if (!value || e.pos_ != text.size()) return std::nullopt;
    return value;
  }

 private:
  ExactEvaluator(absl::string_view text, std::vector<int64_t>* leaves)
      : text_(text), leaves_(leaves) {}

  static bool in_range(int64_t v) { return v > -(int64_t{1} << 62) && v < (int64_t{1} << 62); }

  std::optional<int64_t> sum() {
    std::optional<int64_t> value = product();
    while (value && pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
      const char op = text_[pos_++];
      const std::optional<int64_t> rhs = product();
      if (!rhs) return std::nullopt;
      value = op == '+' ? *value + *rhs : *value - *rhs;
      if (!in_range(*value)) return std::nullopt;
    }
    return value;
  }

  std::optional<int64_t> product() {
    std::optional<int64_t> value = atom();
    while (value && pos_ < text_.size() && (text_[pos_] == '*' || text_[pos_] == '/')) {
      const char op = text_[pos_++];
      const std::optional<int64_t> rhs = atom();
      if (!rhs) return std::nullopt;
      if (op == '*') {
        if (*rhs != 0 && (*value > ((int64_t{1} << 62) / (*rhs < 0 ? -*rhs : *rhs)))) {
          return std::nullopt;
        }
        value = *value * *rhs;
      } else {
        if (*rhs == 0 || *value % *rhs != 0) return std::nullopt;
        value = *value / *rhs;
      }
    }
    return value;
  }

  std::optional<int64_t> atom() {
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      const std::optional<int64_t> value = sum();
      if (!value || pos_ >= text_.size() || text_[pos_] != ')') return std::nullopt;
      ++pos_;
      return value;
    }
    const size_t begin = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      value = value * 10 + (text_[pos_++] - '0');
      if (!in_range(value)) return std::nullopt;
    }
    if (pos_ == begin) return std::nullopt;
    if (leaves_) leaves_->push_back(value);
    return value;
  }

  absl::string_view text_;
  std::vector<int64_t>* leaves_;
  size_t pos_ = 0;
};

// What check_equations found in a trace.
struct EquationReport {
  int checked = 0;                      // equations `expression=number` evaluated
  std::vector<std::string> false_ones;  // those whose two sides differ (or do not evaluate)
};

// Checks every word of the form `expression=number` in `trace` (words are separated by `;` and
// spaces), where the expression is made of digits, + - * / and parentheses.
inline EquationReport check_equations(absl::string_view trace) {
  EquationReport report;
  for (const absl::string_view word : absl::StrSplit(trace, absl::ByAnyChar("; "))) {
    const size_t eq = word.find('=');
    if (eq == absl::string_view::npos || eq == 0) continue;
    const absl::string_view lhs = word.substr(0, eq);
    const absl::string_view rhs = word.substr(eq + 1);
    if (lhs.find_first_not_of("0123456789+-*/()") != absl::string_view::npos) continue;
    ++report.checked;
    const std::optional<int64_t> left = ExactEvaluator::evaluate(lhs);
    const std::optional<int64_t> right = ExactEvaluator::evaluate(rhs);
    if (!left || !right || *left != *right) report.false_ones.emplace_back(word);
  }
  return report;
}

}  // namespace terse::testing
