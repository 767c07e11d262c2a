#include "reward/length_target.h"

#include "absl/strings/str_cat.h"

namespace terse {
namespace {

// SplitMix64's finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014): a bijective 64-bit mixer, so consecutive prompt keys give unrelated targets.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

int64_t l1_target_length(const L1Config& config, uint64_t seed, uint64_t prompt_key) {
  const uint64_t span = static_cast<uint64_t>(config.target_max - config.target_min) + 1;
  // The modulo's bias is below span / 2^64: immaterial for spans of thousands.
  return config.target_min + static_cast<int64_t>(mix(mix(seed) ^ prompt_key) % span);
}

std::string with_length_instruction(absl::string_view prompt, int64_t target) {
  return absl::StrCat(prompt, "\n\nThink for ", target, " tokens.");
}

EffortRequest draw_effort_request(const RewardConfig& config, uint64_t seed, uint64_t prompt_key) {
  const EffortConfig& effort = config.effort;
  const auto weight = [&](size_t mode) {
    return effort.weights.empty() ? 1.0 : effort.weights[mode];
  };
  double total = effort.budget_weight;
  for (size_t m = 0; m < effort.modes.size(); ++m) total += weight(m);
  // A uniform draw in [0, total) from the top 53 bits of a hash unrelated to the l1 target's.
  const uint64_t bits = mix(mix(seed ^ 0x5EEDEFF0ULL) ^ prompt_key) >> 11;
  double u = static_cast<double>(bits) * 0x1.0p-53 * total;
  for (size_t m = 0; m < effort.modes.size(); ++m) {
    const bool last = m + 1 == effort.modes.size() && effort.budget_weight == 0;  // rounding
    if (u < weight(m) || last) return {static_cast<int64_t>(m), effort.budgets[m]};
    u -= weight(m);
  }
  return {-1, l1_target_length(config.length_penalty.l1, seed, prompt_key)};
}

std::string with_effort_instruction(absl::string_view prompt, const EffortConfig& effort,
                                    const EffortRequest& request) {
  if (request.mode < 0) return with_length_instruction(prompt, request.budget);
  return absl::StrCat(prompt, "\n\n", effort.instructions[static_cast<size_t>(request.mode)]);
}

bool uses_length_target(PenaltyKind kind) {
  return kind == PenaltyKind::kL1Exact || kind == PenaltyKind::kL1Max;
}

}  // namespace terse
