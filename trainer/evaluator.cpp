#include "trainer/evaluator.h"

#include <algorithm>

#include "reward/format_check.h"
#include "reward/think_span.h"
#include "reward/verifier.h"
#include "trainer/sft_batch.h"

namespace terse {
namespace {

std::unique_ptr<Verifier> verifier_for(AnswerKind kind, const RewardConfig& reward) {
  RewardConfig config = reward;
  config.verifier = kind == AnswerKind::kExpression ? VerifierKind::kCountdown
                    : kind == AnswerKind::kText     ? VerifierKind::kExact
                                                    : VerifierKind::kMath;
  return make_verifier(config);
}

Reference reference_of(const Problem& problem) {
  return Reference{problem.answer, problem.numbers, problem.target};
}

}  // namespace

Metrics EvalResult::metrics() const {
  Metrics metrics = {{"eval/accuracy", accuracy},
                     {"eval/pass_at_k", pass_at_k},
                     {"eval/length_mean", mean_tokens},
                     {"eval/tokens_per_correct", tokens_per_correct}};
  add_outcome_metrics(outcomes,
                      {"eval/accuracy", "eval/length_mean", "eval/tokens_per_correct",
                       "eval/length_correct", "eval/length_wrong"},
                      metrics);
  return metrics;
}

std::vector<EvalSample> grade_batch(const Trajectory& batch, const std::vector<Problem>& problems,
                                    const Tokenizer& tokenizer, int64_t samples_per_problem,
                                    const RewardConfig& reward) {
  std::vector<EvalSample> graded;
  for (int64_t i = 0; i < batch.size(); ++i) {
    const int64_t index = batch.group_ids[i];
    const Problem& problem = problems[index];
    std::vector<int64_t> ids = batch.completion(i);
    // The eos that ended a completion is not part of it: lengths count what the model wrote.
    if (batch.finish_reasons[i] == FinishReason::kStop && !ids.empty()) ids.pop_back();
    EvalSample sample;
    sample.problem = index;
    sample.sample = i % samples_per_problem;
    sample.completion = tokenizer.decode(std::vector<int32_t>(ids.begin(), ids.end()));
    sample.tokens = static_cast<int64_t>(ids.size());
    const Verdict verdict =
        verifier_for(problem.answer_kind, reward)->verify(sample.completion, reference_of(problem));
    sample.correct = verdict.correct;
    sample.extracted = verdict.extracted;
    sample.finish = batch.finish_reasons[i];
    sample.level = problem.level;
    graded.push_back(std::move(sample));
  }
  return graded;
}

RewardSample reward_input(const EvalSample& graded, int64_t group_id, const Tokenizer& tokenizer,
                          const FormatConfig& format) {
  RewardSample r;
  r.group_id = group_id;
  r.correct = graded.correct;
  r.format_ok = has_expected_format(graded.completion, format);
  r.completion_tokens = graded.tokens;
  const ThinkSpan span = find_think_span(graded.completion);
  r.think_tokens = static_cast<int64_t>(
      tokenizer.encode(graded.completion.substr(span.begin, span.end - span.begin)).size());
  r.finished = graded.finish == FinishReason::kStop;
  return r;
}

EvalResult summarize(std::vector<EvalSample> samples, int64_t problem_count) {
  EvalResult result;
  int64_t correct = 0, tokens = 0;
  std::vector<bool> solved(static_cast<size_t>(problem_count), false);
  for (const EvalSample& s : samples) {
    correct += s.correct;
    tokens += s.tokens;
    if (s.correct) solved[static_cast<size_t>(s.problem)] = true;
  }
  const double count = static_cast<double>(samples.size());
  result.accuracy = count > 0 ? static_cast<double>(correct) / count : 0;
  result.pass_at_k = problem_count > 0
                         ? static_cast<double>(std::count(solved.begin(), solved.end(), true)) /
                               static_cast<double>(problem_count)
                         : 0;
  result.mean_tokens = count > 0 ? static_cast<double>(tokens) / count : 0;
  result.tokens_per_correct = correct > 0 ? static_cast<double>(tokens) / correct : 0;
  std::vector<OutcomeSample> outcomes;
  outcomes.reserve(samples.size());
  for (const EvalSample& s : samples) {
    outcomes.push_back({s.level, s.correct, static_cast<double>(s.tokens)});
  }
  result.outcomes = split_by_outcome(outcomes);
  result.samples = std::move(samples);
  return result;
}

EvalResult evaluate(Transformer& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalSpec& spec) {
  GenerationConfig generation;
  generation.sampling = spec.sampling;
  generation.max_new_tokens = spec.max_new_tokens;
  generation.group_size = spec.samples;
  if (const auto eos = tokenizer.special_ids().eos) generation.stop_token_ids = {*eos};
  if (const auto pad = tokenizer.special_ids().pad) generation.pad_id = *pad;
  std::vector<EvalSample> samples;
  for (size_t start = 0; start < problems.size();
       start += static_cast<size_t>(spec.batch_prompts)) {
    const size_t end = std::min(problems.size(), start + static_cast<size_t>(spec.batch_prompts));
    std::vector<PromptSpec> prompts;
    for (size_t p = start; p < end; ++p) {
      prompts.push_back({sft_prompt_ids(tokenizer, problems[p]), static_cast<int64_t>(p)});
    }
    generation.seed = spec.seed + start;  // each batch its own stream, fixed by its position
    for (EvalSample& s : grade_batch(generate(model, prompts, generation, {}, 0), problems,
                                     tokenizer, spec.samples)) {
      samples.push_back(std::move(s));
    }
  }
  return summarize(std::move(samples), static_cast<int64_t>(problems.size()));
}

}  // namespace terse
