#include "trainer/evaluator.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

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
                     {"eval/tokens_per_correct", tokens_per_correct},
                     {"eval/think_mean", mean_think_tokens}};
  if (adherence) {
    metrics["eval/budget_error"] = adherence->relative_error;
    metrics["eval/over_budget"] = adherence->over_fraction;
  }
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
    const ThinkSpan span = find_think_span(sample.completion);
    sample.think_tokens = static_cast<int64_t>(
        tokenizer.encode(sample.completion.substr(span.begin, span.end - span.begin)).size());
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
  r.think_tokens = graded.think_tokens;
  r.finished = graded.finish == FinishReason::kStop;
  return r;
}

EvalResult summarize(std::vector<EvalSample> samples, int64_t problem_count) {
  EvalResult result;
  int64_t correct = 0, tokens = 0, think_tokens = 0;
  std::vector<bool> solved(static_cast<size_t>(problem_count), false);
  for (const EvalSample& s : samples) {
    correct += s.correct;
    tokens += s.tokens;
    think_tokens += s.think_tokens;
    if (s.correct) solved[static_cast<size_t>(s.problem)] = true;
  }
  const double count = static_cast<double>(samples.size());
  result.accuracy = count > 0 ? static_cast<double>(correct) / count : 0;
  result.pass_at_k = problem_count > 0
                         ? static_cast<double>(std::count(solved.begin(), solved.end(), true)) /
                               static_cast<double>(problem_count)
                         : 0;
  result.mean_tokens = count > 0 ? static_cast<double>(tokens) / count : 0;
  result.mean_think_tokens = count > 0 ? static_cast<double>(think_tokens) / count : 0;
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

std::vector<EvalSample> majority_answers(const std::vector<EvalSample>& samples, int64_t k) {
  std::vector<EvalSample> answers;
  for (size_t first = 0; first < samples.size(); first += static_cast<size_t>(k)) {
    const size_t end = std::min(samples.size(), first + static_cast<size_t>(k));
    // Votes per answer, in the order of each answer's first line (so a tie keeps the earliest).
    std::vector<std::pair<std::string, int64_t>> tally;
    std::vector<size_t> first_line;
    int64_t tokens = 0, think_tokens = 0;
    for (size_t i = first; i < end; ++i) {
      tokens += samples[i].tokens;
      think_tokens += samples[i].think_tokens;
      if (!samples[i].extracted) continue;
      const auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& entry) {
        return entry.first == *samples[i].extracted;
      });
      if (it != tally.end()) {
        ++it->second;
      } else {
        tally.emplace_back(*samples[i].extracted, 1);
        first_line.push_back(i);
      }
    }
    size_t best = 0;
    for (size_t a = 1; a < tally.size(); ++a) {
      if (tally[a].second > tally[best].second) best = a;
    }
    EvalSample answer = samples[tally.empty() ? first : first_line[best]];
    answer.sample = 0;
    answer.tokens = tokens;
    answer.think_tokens = think_tokens;
    answer.votes = tally.empty() ? 0 : tally[best].second;
    answers.push_back(std::move(answer));
  }
  return answers;
}

BudgetAdherence budget_adherence(const std::vector<EvalSample>& samples, int64_t budget) {
  BudgetAdherence adherence;
  adherence.budget = budget;
  if (samples.empty()) return adherence;
  const double scale = static_cast<double>(std::max<int64_t>(budget, 1));
  for (const EvalSample& s : samples) {
    adherence.relative_error += static_cast<double>(std::abs(s.think_tokens - budget)) / scale;
    adherence.over_fraction += s.think_tokens > budget ? 1 : 0;
  }
  const auto count = static_cast<double>(samples.size());
  adherence.relative_error /= count;
  adherence.over_fraction /= count;
  return adherence;
}

EvalResult evaluate(Transformer& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalSpec& spec) {
  GenerationConfig generation;
  generation.sampling = spec.sampling;
  generation.max_new_tokens = spec.max_new_tokens;
  const int64_t lines = spec.parallel > 1 ? spec.parallel : spec.samples;
  generation.group_size = lines;
  generation.think = spec.think;
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
    for (EvalSample& s :
         grade_batch(generate(model, prompts, generation, {}, 0), problems, tokenizer, lines)) {
      samples.push_back(std::move(s));
    }
  }
  std::optional<BudgetAdherence> adherence;
  if (spec.think.tokens >= 0) adherence = budget_adherence(samples, spec.think.tokens);
  if (spec.parallel > 1) samples = majority_answers(samples, spec.parallel);
  EvalResult result = summarize(std::move(samples), static_cast<int64_t>(problems.size()));
  result.adherence = adherence;
  return result;
}

}  // namespace terse
