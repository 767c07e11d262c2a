// The `countdown` verifier: the completion's equation combines the given numbers with + - * /
// and parentheses into exactly the target. Evaluation is exact (rationals, no floating point)
// through a safe parser (reward/arithmetic_expression.h), never an eval.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "reward/reward_config.h"
#include "reward/verifier.h"

namespace terse {

class CountdownVerifier : public Verifier {
 public:
  explicit CountdownVerifier(CountdownVerifierConfig config) : config_(config) {}

  // Correct when the equation (the last `<answer>…</answer>` after `</think>`, else the last
  // non-blank line there; an optional `= N` after it must name the target) evaluates to
  // `reference.target` using `reference.numbers` as the settings require.
  Verdict verify(absl::string_view completion, const Reference& reference) const override;

 private:
  CountdownVerifierConfig config_;
};

// The equation a completion's answer region commits to, or nullopt when it is blank.
std::optional<absl::string_view> extract_countdown_equation(absl::string_view region);

}  // namespace terse
