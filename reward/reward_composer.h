// The total reward: a weighted sum of an accuracy, a format and a length term, with every
// sample's terms kept in a RewardBreakdown so the metrics show what each term did.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "reward/reward_config.h"

namespace terse {

// What the verifier, the format check and the tokenizer found for one sample.
struct RewardSample {
  int64_t group_id = 0;           // the prompt it answers; penalties compare within a group
  bool correct = false;           // the verifier's verdict
  bool format_ok = false;         // reward/format_check.h
  int64_t completion_tokens = 0;  // every token of the completion
  int64_t think_tokens = 0;       // tokens of the thinking span (reward/think_span.h)
  bool finished = true;           // ended with a stop token, not cut off at max_new_tokens
  int64_t target_tokens = 0;      // the target written into the prompt (l1_* only)
};

// One sample's reward, term by term: total = w_acc·accuracy + w_fmt·format + w_len·length.
struct RewardBreakdown {
  double accuracy = 0;  // 1 when correct (and the request was met: thinks_when_told_not_to), else 0
  double format = 0;    // 1 when the format check passed, else 0
  double length = 0;    // the length term (reward/length_penalty.h) times the schedule's scale
  double total = 0;
};

// True when `sample` was asked for no thinking (an l1_* target of 0 tokens, e.g. an `instant`
// effort mode) and thought anyway: such a request is met only by an empty thinking span, so the
// answer earns no accuracy credit however correct (the length term charges the tokens besides).
bool thinks_when_told_not_to(PenaltyKind kind, const RewardSample& sample);

class RewardComposer {
 public:
  // Checks `config` (RewardConfig::validate) and resolves L_max: `max_length`, or
  // `max_new_tokens` when that is 0. InvalidArgument, naming the keys, when they disagree.
  static absl::StatusOr<RewardComposer> create(const RewardConfig& config, int64_t max_new_tokens);

  // Every sample's breakdown at training `step` (0-based). Samples with the same group_id form
  // a group, wherever they stand in `samples`; the result is in the order of `samples`.
  // `length_on` false (the lazy switch is off: reward/penalty_schedule.h) drops every length
  // term.
  std::vector<RewardBreakdown> score(absl::Span<const RewardSample> samples, int64_t step,
                                     bool length_on = true) const;

  // The resolved L_max in tokens.
  int64_t max_length() const { return max_length_; }

 private:
  RewardComposer(const RewardConfig& config, int64_t max_length)
      : config_(config), max_length_(max_length) {}

  RewardConfig config_;
  int64_t max_length_;
};

}  // namespace terse
