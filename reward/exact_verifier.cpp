#include "reward/exact_verifier.h"

#include "absl/strings/ascii.h"
#include "reward/answer_extractor.h"
#include "reward/answer_value.h"
#include "reward/think_span.h"

namespace terse {

Verdict ExactVerifier::verify(absl::string_view completion, const Reference& reference) const {
  const absl::string_view region = answer_region(completion);
  const absl::string_view answer =
      find_marked_answer(region).value_or(absl::StripAsciiWhitespace(region));
  Verdict verdict;
  if (answer.empty()) return verdict;
  verdict.extracted = std::string(answer);
  verdict.correct =
      normalize_answer_text(answer) == normalize_answer_text(reference_answer(reference.answer));
  return verdict;
}

}  // namespace terse
