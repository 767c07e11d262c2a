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

bool uses_length_target(PenaltyKind kind) {
  return kind == PenaltyKind::kL1Exact || kind == PenaltyKind::kL1Max;
}

}  // namespace terse
