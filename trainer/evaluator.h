// Evaluation: sample completions for held-out problems and grade them with the reward's
// verifiers. Reports accuracy, pass@k, mean completion tokens and tokens per correct answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "data/problem.h"
#include "models/tokenizer.h"
#include "models/transformer.h"
#include "reward/reward_composer.h"
#include "reward/reward_config.h"
#include "reward/reward_metrics.h"
#include "rollout/sampling_engine.h"

namespace terse {

struct EvalSpec {
  int64_t samples = 1;      // completions per problem (k of pass@k)
  SamplingParams sampling;  // greedy by default when samples is 1
  int64_t max_new_tokens = 512;
  int64_t batch_prompts = 32;  // problems per engine call
  uint64_t seed = 0;
};

// One graded completion.
struct EvalSample {
  int64_t problem = 0;  // index into the problems
  int64_t sample = 0;   // 0..k-1
  std::string completion;
  int64_t tokens = 0;
  bool correct = false;
  std::optional<std::string> extracted;
  FinishReason finish = FinishReason::kLength;
  int64_t level = 0;  // the problem's difficulty level (0: unknown)
};

struct EvalResult {
  double accuracy = 0;            // correct completions / completions
  double pass_at_k = 0;           // problems with at least one correct completion / problems
  double mean_tokens = 0;         // completion tokens per completion
  double tokens_per_correct = 0;  // completion tokens / correct completions (0 when none)
  OutcomeSplit outcomes;          // lengths of correct and wrong answers; figures per level
  std::vector<EvalSample> samples;

  // "eval/accuracy", "eval/pass_at_k", "eval/length_mean", "eval/tokens_per_correct",
  // "eval/length_correct", "eval/length_wrong", and per level (problems of two or more levels)
  // "eval/accuracy@L", "eval/length_mean@L", "eval/tokens_per_correct@L".
  Metrics metrics() const;
};

// Grades the completions of `batch` (group_ids index `problems`; G = samples_per_problem) with
// the verifier of each problem's answer kind, set up by `reward`'s verifier settings.
std::vector<EvalSample> grade_batch(const Trajectory& batch, const std::vector<Problem>& problems,
                                    const Tokenizer& tokenizer, int64_t samples_per_problem,
                                    const RewardConfig& reward = {});

// The reward composer's view of `graded`, a sample of prompt group `group_id`: the verdict, the
// format check, the tokens of the whole completion and of its thinking span, and whether it
// ended with a stop token.
RewardSample reward_input(const EvalSample& graded, int64_t group_id, const Tokenizer& tokenizer,
                          const FormatConfig& format);

// Accuracy, pass@k (a problem counts when any of its samples is correct), mean tokens and tokens
// per correct answer over `samples` of `problem_count` problems.
EvalResult summarize(std::vector<EvalSample> samples, int64_t problem_count);

// Samples `spec.samples` completions of every problem (prompt: bos + prompt text, as in SFT)
// until the tokenizer's eos, and grades each: numbers by value (math verifier), countdown
// expressions by the countdown verifier, text exactly. Token counts leave out the final eos.
EvalResult evaluate(Transformer& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalSpec& spec);

}  // namespace terse
