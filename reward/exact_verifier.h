// The `exact` verifier: the completion's answer equals the reference as normalised text (markup,
// case, spacing and surrounding punctuation ignored). For answers that are names or words.
#pragma once

#include "reward/verifier.h"

namespace terse {

class ExactVerifier : public Verifier {
 public:
  // Correct when the answer (a marked answer after the last `</think>`, else all the text
  // there) normalises to the same text as the reference's marked answer or whole text.
  Verdict verify(absl::string_view completion, const Reference& reference) const override;
};

}  // namespace terse
