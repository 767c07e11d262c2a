// L1 / LCPO's length targets (Aggarwal & Welleck 2025, arXiv 2503.04697, §3): each prompt gets a
// target n_target ~ U(n_min, n_max) and the instruction "Think for n_target tokens." appended,
// so that one model learns to follow a length given at inference time.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "reward/reward_config.h"

namespace terse {

// The target for the prompt identified by `prompt_key` under `seed`: an integer uniform in
// [target_min, target_max]. A pure function of its inputs (a hash, no generator state), so a
// resumed run asks for the same lengths.
int64_t l1_target_length(const L1Config& config, uint64_t seed, uint64_t prompt_key);

// `prompt` followed by the instruction "Think for N tokens." on a new paragraph.
std::string with_length_instruction(absl::string_view prompt, int64_t target);

// Whether `kind` writes a target length into the prompt (l1_exact, l1_max).
bool uses_length_target(PenaltyKind kind);

// A prompt's reasoning-effort request (reward.effort): a named mode or a numeric budget.
struct EffortRequest {
  int64_t mode = -1;    // index into effort.modes; -1: a numeric budget
  int64_t budget = -1;  // thinking tokens asked for, the l1_* target; -1: no budget
};

// The request of the prompt `prompt_key` under `seed`: a mode by its weight, or (with
// effort.budget_weight's share) a numeric budget drawn as l1_target_length draws targets. With
// no modes configured every request is numeric: the L1 target, l1_target_length's. A pure
// function of its inputs, like l1_target_length.
EffortRequest draw_effort_request(const RewardConfig& config, uint64_t seed, uint64_t prompt_key);

// `prompt` with the request's instruction on a new paragraph: the mode's text, or "Think for N
// tokens." for a numeric budget.
std::string with_effort_instruction(absl::string_view prompt, const EffortConfig& effort,
                                    const EffortRequest& request);

}  // namespace terse
