// Evaluation: sample completions for held-out problems and grade them with the reward's
// verifiers. Reports accuracy, pass@k, mean completion and thinking tokens, tokens per correct
// answer and, under a thinking budget, how closely the thinking kept to it. With `parallel` K
// lines of thought per problem (contemplating), the majority answer is graded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "data/problem.h"
#include "models/transformer.h"
#include "reward/reward_composer.h"
#include "reward/reward_config.h"
#include "reward/reward_metrics.h"
#include "rollout/sampling_engine.h"
#include "tokenizers/tokenizer.h"

namespace terse {

struct EvalSpec {
  int64_t samples = 1;      // completions per problem (k of pass@k)
  SamplingParams sampling;  // greedy by default when samples is 1
  int64_t max_new_tokens = 512;
  int64_t batch_prompts = 32;  // problems per engine call
  uint64_t seed = 0;
  ThinkBudget think;     // a thinking budget on every completion; off by default
  int64_t parallel = 1;  // K lines of thought per problem, one majority answer (samples must be 1)
};

// One graded completion.
struct EvalSample {
  int64_t problem = 0;  // index into the problems
  int64_t sample = 0;   // 0..k-1
  std::string completion;
  int64_t tokens = 0;        // completion tokens (all K lines of a majority answer)
  int64_t think_tokens = 0;  // tokens of the thinking span (reward/think_span.h), likewise summed
  bool correct = false;
  std::optional<std::string> extracted;
  FinishReason finish = FinishReason::kLength;
  int64_t level = 0;  // the problem's difficulty level (0: unknown)
  int64_t votes = 1;  // lines of thought that gave this answer (majority answers)
};

// How closely thinking kept to a budget B: with L a completion's thinking tokens (to its last
// `</think>`, as the reward counts them, so a model that reasons on after a forced end is over),
// the mean of |L - B| / max(B, 1) and the fraction of completions with L > B.
struct BudgetAdherence {
  int64_t budget = 0;
  double relative_error = 0;
  double over_fraction = 0;
};

struct EvalResult {
  double accuracy = 0;            // correct completions / completions
  double pass_at_k = 0;           // problems with at least one correct completion / problems
  double mean_tokens = 0;         // completion tokens per completion
  double tokens_per_correct = 0;  // completion tokens / correct completions (0 when none)
  double mean_think_tokens = 0;   // thinking tokens per completion
  std::optional<BudgetAdherence> adherence;  // set by evaluate() under a budget
  OutcomeSplit outcomes;  // lengths of correct and wrong answers; figures per level
  std::vector<EvalSample> samples;

  // "eval/accuracy", "eval/pass_at_k", "eval/length_mean", "eval/tokens_per_correct",
  // "eval/think_mean", "eval/length_correct", "eval/length_wrong", per level (problems of two or
  // more levels) "eval/accuracy@L", "eval/length_mean@L", "eval/tokens_per_correct@L", and under
  // a budget "eval/budget_error" and "eval/over_budget".
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

// One answer per problem from its K graded lines of thought (`samples`, problem-major, K each):
// the extracted answer most lines gave; a tie goes to the answer whose first line comes first;
// lines with no extracted answer do not vote (all of them: the first line, wrong). The answer
// carries its first line's completion and verdict, the tokens of all K lines and its votes.
std::vector<EvalSample> majority_answers(const std::vector<EvalSample>& samples, int64_t k);

// The adherence of `samples` to `budget` thinking tokens.
BudgetAdherence budget_adherence(const std::vector<EvalSample>& samples, int64_t budget);

// Samples `spec.samples` completions of every problem (prompt: bos + prompt text, as in SFT)
// until the tokenizer's eos, and grades each: numbers by value (math verifier), countdown
// expressions by the countdown verifier, text exactly. Token counts leave out the final eos.
// With spec.parallel K > 1, K completions per problem are sampled and their majority answer is
// graded; adherence is measured per line of thought.
EvalResult evaluate(Transformer& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalSpec& spec);

}  // namespace terse
