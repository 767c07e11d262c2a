// The length penalties, one pure function per published family. Each takes the samples of one
// group (the G completions of one prompt) and returns, per sample, the *length term*: the
// paper's reward minus the 0/1 accuracy. So accuracy + length term is exactly the paper's
// reward, and the reward breakdown shows what the penalty moved. L is a sample's length in
// tokens (whole completion or thinking span: `reward.length_penalty.unit`).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "reward/reward_config.h"

namespace terse {

// One sample as the length penalties see it.
struct PenaltySample {
  bool correct = false;  // the verifier accepted the answer
  int64_t length = 0;    // L, in tokens of the configured unit
  bool finished = true;  // ended with a stop token, not cut off at the generation limit
  int64_t target = 0;    // n_target, the length the prompt asked for (l1_* only); -1: none, no term
};

// linear: acc − α·L/L_max. The common baseline; no paper defines it.
std::vector<double> linear_terms(absl::Span<const PenaltySample> group, double alpha,
                                 int64_t max_length);

// kimi (Kimi k1.5, arXiv 2501.12599, §2.3.3): λ = 0.5 − (L − min_g)/(max_g − min_g) over the
// group; correct: +w·λ, wrong: +w·min(0, λ); all 0 when every length is equal.
std::vector<double> kimi_terms(absl::Span<const PenaltySample> group, double weight);

// efficient (Arora & Zanette 2025, arXiv 2502.04463): correct: 1 − α·σ((L − mean_c)/(std_c +
// 1e-7)) with mean/std over the group's correct samples; wrong: 0.
std::vector<double> efficient_terms(absl::Span<const PenaltySample> group, double alpha);

// l1_exact (L1 / LCPO, Aggarwal & Welleck 2025, arXiv 2503.04697, eq. 1):
// acc − α·|n_target − L|.
std::vector<double> l1_exact_terms(absl::Span<const PenaltySample> group, double alpha);

// l1_max (same paper, eq. 2): acc · clip(α·(n_target − L) + δ, 0, 1).
std::vector<double> l1_max_terms(absl::Span<const PenaltySample> group, double alpha, double delta);

// shorter_better (ShorterBetter, Yi, Wang & Li 2025, arXiv 2504.21370): α·acc − β·|L − SOL|,
// SOL = the group's shortest correct length, or the group's mean length when none is correct.
// The paper's α is `reward.weights.accuracy`; this returns −β·|L − SOL|.
std::vector<double> shorter_better_terms(absl::Span<const PenaltySample> group, double beta);

// lc_r1 (LC-R1, Cheng et al. 2025, arXiv 2506.14755, length reward): correct samples of a group
// with a correct answer get +w·(1 − L/max_c), max_c the longest correct length; others 0.
std::vector<double> lc_r1_terms(absl::Span<const PenaltySample> group, double weight);

// cosine (Yeo et al. 2025, arXiv 2502.03373): r(L) = r_L + ½(r_0 − r_L)(1 + cos(πL/L_max)) with
// (r_0, r_L) = (correct_short, correct_long) if correct else (wrong_short, wrong_long); a sample
// that reached L_max or was cut off gets `exceed`.
std::vector<double> cosine_terms(absl::Span<const PenaltySample> group, const CosineConfig& cosine,
                                 int64_t max_length);

// dapo_overlong (DAPO, Yu et al. 2025, arXiv 2503.14476, eq. 13), scaled by `factor`:
// 0 for L ≤ L_max − L_cache; ((L_max − L_cache) − L)/L_cache up to L_max; −1 beyond.
std::vector<double> dapo_overlong_terms(absl::Span<const PenaltySample> group, double factor,
                                        int64_t max_length, int64_t cache);

// truncate (ThinkPrune, Hou et al. 2025, arXiv 2504.01296): the accuracy counts only for a
// sample that finished within the budget L_k, so the term is −acc when L > L_k or it was cut off.
std::vector<double> truncate_terms(absl::Span<const PenaltySample> group, int64_t budget);

// alp (ALP, Xiang et al. 2025, arXiv 2506.05256): 1[correct] − (β/N)·max(p, 1/K)·L, with p the
// group's solve rate (correct / K over its K samples) and N = L_max. Easy prompts (p near 1) are
// compressed hard, hard ones keep room to think. Returns −(β/N)·max(p, 1/K)·L for every sample.
std::vector<double> alp_terms(absl::Span<const PenaltySample> group, double beta,
                              int64_t max_length);

// The term of `config.kind` (all zeros for none) after `config.gate`. `max_length` is the
// resolved L_max (> 0) and `budget` the truncation budget in force at this step.
std::vector<double> length_terms(const LengthPenaltyConfig& config, int64_t max_length,
                                 int64_t budget, absl::Span<const PenaltySample> group);

// DAPO's L_cache: `config.overlong.cache`, or a fifth of `max_length` when that is 0.
int64_t overlong_cache(const LengthPenaltyConfig& config, int64_t max_length);

}  // namespace terse
