#include "reward/math_verifier.h"

#include "reward/answer_extractor.h"
#include "reward/answer_value.h"
#include "reward/think_span.h"

namespace terse {

std::optional<absl::string_view> extract_math_answer(absl::string_view text,
                                                     bool last_number_fallback) {
  if (auto marked = find_marked_answer(text)) return marked;
  if (last_number_fallback) return find_last_number(text);
  return std::nullopt;
}

bool same_math_answer(absl::string_view answer, absl::string_view gold) {
  const std::optional<NumericAnswer> answer_value = read_numeric_answer(answer);
  const std::optional<NumericAnswer> gold_value = read_numeric_answer(gold);
  if (answer_value && gold_value) return same_value(*answer_value, *gold_value);
  if (answer_value || gold_value) return false;
  return normalize_answer_text(answer) == normalize_answer_text(gold);
}

Verdict MathVerifier::verify(absl::string_view completion, const Reference& reference) const {
  Verdict verdict;
  const std::optional<absl::string_view> answer =
      extract_math_answer(answer_region(completion), config_.last_number_fallback);
  if (!answer) return verdict;
  verdict.extracted = std::string(*answer);
  verdict.correct = same_math_answer(*answer, reference_answer(reference.answer));
  return verdict;
}

}  // namespace terse
