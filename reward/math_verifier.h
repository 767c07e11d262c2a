// The `math` verifier: extracts a final answer (answer tags, `\boxed{…}`, `#### N`, "the answer
// is …", else optionally the last number) and compares it with the gold answer by value.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "reward/reward_config.h"
#include "reward/verifier.h"

namespace terse {

class MathVerifier : public Verifier {
 public:
  explicit MathVerifier(MathVerifierConfig config) : config_(config) {}

  // Correct when the completion's answer (searched after the last `</think>`) has the value of
  // `reference.answer`, read the same way (so GSM8K's "…\n#### 18" works as a gold answer).
  Verdict verify(absl::string_view completion, const Reference& reference) const override;

 private:
  MathVerifierConfig config_;
};

// The answer `text` commits to: a marked answer, else (with `last_number_fallback`) its last
// number; nullopt when there is none. The view points into `text`.
std::optional<absl::string_view> extract_math_answer(absl::string_view text,
                                                     bool last_number_fallback);

// Whether two extracted answers agree: by value when both read as numbers, by normalised text
// when neither does, and never when only one does.
bool same_math_answer(absl::string_view answer, absl::string_view gold);

}  // namespace terse
