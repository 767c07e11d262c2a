#include "reward/reward_composer.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "reward/length_penalty.h"
#include "reward/length_target.h"
#include "reward/penalty_schedule.h"

namespace terse {
namespace {

// The sample indices of each group, groups in order of their id.
std::vector<std::vector<size_t>> group_indices(absl::Span<const RewardSample> samples) {
  std::vector<size_t> order(samples.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return samples[a].group_id < samples[b].group_id; });
  std::vector<std::vector<size_t>> groups;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || samples[order[k]].group_id != samples[order[k - 1]].group_id) {
      groups.emplace_back();
    }
    groups.back().push_back(order[k]);
  }
  return groups;
}

}  // namespace

absl::StatusOr<RewardComposer> RewardComposer::create(const RewardConfig& config,
                                                      int64_t max_new_tokens) {
  TERSE_RETURN_IF_ERROR(config.validate());
  const LengthPenaltyConfig& penalty = config.length_penalty;
  const int64_t max_length = penalty.max_length > 0 ? penalty.max_length : max_new_tokens;
  if (max_length < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the length penalty needs L_max >= 1, but `reward.length_penalty.max_length` is 0 and "
        "`rollout.max_new_tokens` is ",
        max_new_tokens, "; set one of them"));
  }
  if (penalty.kind == PenaltyKind::kDapoOverlong &&
      overlong_cache(penalty, max_length) >= max_length) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`reward.length_penalty.overlong.cache` = ", penalty.overlong.cache,
        " must be smaller than L_max = ", max_length,
        " (`reward.length_penalty.max_length`, or `rollout.max_new_tokens` when that is 0)"));
  }
  return RewardComposer(config, max_length);
}

bool thinks_when_told_not_to(PenaltyKind kind, const RewardSample& sample) {
  return uses_length_target(kind) && sample.target_tokens == 0 && sample.think_tokens > 0;
}

std::vector<RewardBreakdown> RewardComposer::score(absl::Span<const RewardSample> samples,
                                                   int64_t step, bool length_on) const {
  const LengthPenaltyConfig& penalty = config_.length_penalty;
  const RewardWeights& w = config_.weights;
  const double scale = length_on ? penalty_scale(penalty.schedule, step) : 0.0;
  const int64_t budget = budget_at(penalty.schedule, step, max_length_);
  std::vector<RewardBreakdown> out(samples.size());
  for (const std::vector<size_t>& group : group_indices(samples)) {
    std::vector<PenaltySample> inputs;
    inputs.reserve(group.size());
    for (size_t i : group) {
      const RewardSample& s = samples[i];
      inputs.push_back(
          {s.correct, penalty.unit == LengthUnit::kThinking ? s.think_tokens : s.completion_tokens,
           s.finished, s.target_tokens});
    }
    const std::vector<double> terms = length_terms(penalty, max_length_, budget, inputs);
    for (size_t k = 0; k < group.size(); ++k) {
      const RewardSample& s = samples[group[k]];
      RewardBreakdown& b = out[group[k]];
      b.accuracy = s.correct && !thinks_when_told_not_to(penalty.kind, s) ? 1.0 : 0.0;
      b.format = s.format_ok ? 1.0 : 0.0;
      b.length = scale * terms[k];
      b.total = w.accuracy * b.accuracy + w.format * b.format + w.length * b.length;
    }
  }
  return out;
}

}  // namespace terse
