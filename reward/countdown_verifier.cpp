#include "reward/countdown_verifier.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "reward/answer_extractor.h"
#include "reward/arithmetic_expression.h"
#include "reward/think_span.h"

namespace terse {
namespace {

absl::string_view last_non_blank_line(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  const size_t newline = text.rfind('\n');
  return absl::StripAsciiWhitespace(newline == absl::string_view::npos ? text
                                                                       : text.substr(newline + 1));
}

// Whether `used` takes each of `given` at most once (or, with `all`, exactly once).
bool uses_numbers(std::vector<int64_t> used, std::vector<int64_t> given, bool all) {
  std::sort(used.begin(), used.end());
  std::sort(given.begin(), given.end());
  if (all) return used == given;
  return std::includes(given.begin(), given.end(), used.begin(), used.end());
}

}  // namespace

std::optional<absl::string_view> extract_countdown_equation(absl::string_view region) {
  const std::optional<absl::string_view> tagged = find_tagged_answer(region);
  absl::string_view equation = tagged ? *tagged : last_non_blank_line(region);
  // A sentence may end after the equation.
  while (!equation.empty() && (equation.back() == '.' ||
                               absl::ascii_isspace(static_cast<unsigned char>(equation.back())))) {
    equation.remove_suffix(1);
  }
  if (equation.empty()) return std::nullopt;
  return equation;
}

Verdict CountdownVerifier::verify(absl::string_view completion, const Reference& reference) const {
  Verdict verdict;
  const std::optional<absl::string_view> equation =
      extract_countdown_equation(answer_region(completion));
  if (!equation) return verdict;
  verdict.extracted = std::string(*equation);
  absl::string_view expression = *equation;
  if (const size_t eq = expression.find('='); eq != absl::string_view::npos) {
    int64_t claimed = 0;
    if (!absl::SimpleAtoi(expression.substr(eq + 1), &claimed) || claimed != reference.target) {
      return verdict;
    }
    expression = expression.substr(0, eq);
  }
  const absl::StatusOr<EvaluatedExpression> result = evaluate_arithmetic(expression);
  const std::optional<Rational> target = Rational::of(reference.target);
  verdict.correct = result.ok() && target && result->value == *target &&
                    uses_numbers(result->literals, reference.numbers, config_.use_all_numbers);
  return verdict;
}

}  // namespace terse
