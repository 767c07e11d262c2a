#include "reward/verifier.h"

#include "reward/countdown_verifier.h"
#include "reward/exact_verifier.h"
#include "reward/math_verifier.h"

namespace terse {

std::unique_ptr<Verifier> make_verifier(const RewardConfig& config) {
  switch (config.verifier) {
    case VerifierKind::kCountdown:
      return std::make_unique<CountdownVerifier>(config.countdown);
    case VerifierKind::kExact:
      return std::make_unique<ExactVerifier>();
    case VerifierKind::kMath:
      break;
  }
  return std::make_unique<MathVerifier>(config.math);
}

}  // namespace terse
