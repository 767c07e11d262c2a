// The accuracy side of the reward: a verifier reads a completion and says whether its final
// answer is right. Verifiers face adversarial model output (megabytes of text, 10,000-digit
// numbers, deep nesting, invalid UTF-8): they work on bytes, in bounded time and memory, and
// never throw or recurse without a bound.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "reward/reward_config.h"

namespace terse {

// What a completion is checked against. `math` and `exact` read `answer`; `countdown` reads
// `numbers` and `target`.
struct Reference {
  std::string answer;
  std::vector<int64_t> numbers;
  int64_t target = 0;
};

struct Verdict {
  bool correct = false;
  std::optional<std::string> extracted;  // the answer found in the completion, if any
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  // Grades `completion` (any bytes) against `reference`.
  virtual Verdict verify(absl::string_view completion, const Reference& reference) const = 0;
};

// The verifier `config.verifier` names, with its settings.
std::unique_ptr<Verifier> make_verifier(const RewardConfig& config);

}  // namespace terse
