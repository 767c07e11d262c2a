#include "rollout/sampling_engine.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <numeric>
#include <optional>

namespace terse {
namespace {

// Stop strings are searched in the text of a completion's last tokens only.
constexpr int64_t kStopWindowTokens = 64;

struct SampleState {
  int64_t prompt_length = 0;
  std::vector<int64_t> tokens;
  std::vector<float> logprobs;
  std::vector<bool> forced;  // per token: forced by the thinking budget
  bool done = false;
  FinishReason reason = FinishReason::kLength;
  int64_t think_budget = -1;  // -1: none
  int64_t think_tokens = 0;
  bool thinking_over = false;    // closed, or stopped at the budget
  std::vector<int64_t> pending;  // forced tokens still to emit, in reverse order
};

// What the thinking budget makes of the token the sampler drew: the token itself, a forced
// end-of-thinking token in its place, or nothing (truncate: the sample ends). Updates the count.
std::optional<int64_t> apply_think_budget(SampleState& sample, int64_t drawn,
                                          const ThinkBudget& think, bool* forced) {
  *forced = false;
  if (!sample.pending.empty()) {
    *forced = true;
    const int64_t token = sample.pending.back();
    sample.pending.pop_back();
    return token;
  }
  if (sample.think_budget < 0 || sample.thinking_over) return drawn;
  const bool closes = !think.close_ids.empty() && drawn == think.close_ids.front();
  if (closes || drawn == think.open_id) {
    sample.thinking_over = closes;
    return drawn;
  }
  if (sample.think_tokens < sample.think_budget) {
    ++sample.think_tokens;
    return drawn;
  }
  sample.thinking_over = true;
  if (think.mode == ThinkBudgetMode::kTruncate || think.close_ids.empty()) return std::nullopt;
  sample.pending.assign(think.close_ids.rbegin(), think.close_ids.rend() - 1);
  *forced = true;
  return think.close_ids.front();
}

bool ends_on_stop_string(const std::vector<int64_t>& tokens, const GenerationConfig& config,
                         const Detokenizer& detokenize) {
  if (config.stop_strings.empty()) return false;
  const auto begin = tokens.end() - std::min<int64_t>(tokens.size(), kStopWindowTokens);
  const std::string tail = detokenize(std::vector<int64_t>(begin, tokens.end()));
  return std::any_of(config.stop_strings.begin(), config.stop_strings.end(),
                     [&](const std::string& stop) { return tail.find(stop) != std::string::npos; });
}

// Records one token (sampled, or forced with log-prob 0); returns whether the sample has finished.
bool append_token(SampleState& sample, int64_t token, float logprob, bool forced,
                  const GenerationConfig& config, const Detokenizer& detokenize) {
  sample.tokens.push_back(token);
  sample.logprobs.push_back(forced ? 0.0F : logprob);
  sample.forced.push_back(forced);
  const auto& stops = config.stop_token_ids;
  if (std::find(stops.begin(), stops.end(), token) != stops.end() ||
      ends_on_stop_string(sample.tokens, config, detokenize)) {
    sample.done = true;
    sample.reason = FinishReason::kStop;
  } else if (static_cast<int64_t>(sample.tokens.size()) >= config.max_new_tokens) {
    sample.done = true;
    sample.reason = FinishReason::kLength;
  }
  return sample.done;
}

// Runs every prompt through the model once, filling `cache`; returns next-token logits [P, V].
at::Tensor prefill(Transformer& model, const std::vector<PromptSpec>& prompts, KvCache& cache) {
  const int64_t count = static_cast<int64_t>(prompts.size());
  int64_t longest = 0;
  for (const PromptSpec& prompt : prompts) longest = std::max<int64_t>(longest, prompt.ids.size());
  at::Tensor ids = at::zeros({count, longest}, at::kLong);   // [P, T], right-padded
  at::Tensor mask = at::zeros({count, longest}, at::kLong);  // [P, T]
  std::vector<int64_t> last(count);
  for (int64_t p = 0; p < count; ++p) {
    const auto& prompt = prompts[p].ids;
    const int64_t length = static_cast<int64_t>(prompt.size());
    ids[p].narrow(0, 0, length).copy_(at::tensor(prompt, at::kLong));
    mask[p].narrow(0, 0, length).fill_(1);
    last[p] = length - 1;
  }
  const at::Tensor positions = at::arange(longest, at::kLong).expand({count, longest});
  const at::Device device = model->device();
  const at::Tensor hidden = model->forward_cached(ids.to(device), mask.to(device),
                                                  positions.to(device), cache);  // [P, T, H]
  const at::Tensor rows = at::arange(count, at::kLong).to(device);
  const at::Tensor last_hidden = hidden.index({rows, at::tensor(last, at::kLong).to(device)});
  return model->logits(last_hidden);  // [P, V]
}

// One decoding step for the cache rows `rows` (sample indices): feeds each row's last token and
// returns the next-token logits [A, V]. Finished rows still in the batch are fed a pad token.
at::Tensor decode_step(Transformer& model, KvCache& cache, const std::vector<int64_t>& rows,
                       const std::vector<SampleState>& samples, int64_t pad_id) {
  const int64_t count = static_cast<int64_t>(rows.size());
  std::vector<int64_t> ids(count), positions(count);
  for (int64_t a = 0; a < count; ++a) {
    const SampleState& sample = samples[rows[a]];
    ids[a] = sample.done ? pad_id : sample.tokens.back();
    positions[a] = sample.prompt_length + static_cast<int64_t>(sample.tokens.size()) - 1;
  }
  const at::Device device = model->device();
  const at::Tensor id_tensor = at::tensor(ids, at::kLong).view({count, 1}).to(device);
  const at::Tensor mask = at::ones({count, 1}, at::kLong).to(device);
  const at::Tensor position_tensor = at::tensor(positions, at::kLong).view({count, 1}).to(device);
  const at::Tensor hidden = model->forward_cached(id_tensor, mask, position_tensor, cache);
  return model->logits(hidden.select(1, 0));  // [A, V]
}

// Drops finished samples from the batch (and their cache rows) once a quarter of its rows have
// finished: copying the cache costs about as much as a few steps of decoding dead rows.
void compact(KvCache& cache, std::vector<int64_t>& rows, const std::vector<SampleState>& samples) {
  std::vector<int64_t> keep;
  for (int64_t a = 0; a < static_cast<int64_t>(rows.size()); ++a) {
    if (!samples[rows[a]].done) keep.push_back(a);
  }
  const int64_t finished = static_cast<int64_t>(rows.size() - keep.size());
  if (finished == 0 || 4 * finished < static_cast<int64_t>(rows.size()) || keep.empty()) return;
  cache.select_rows(keep);
  std::vector<int64_t> kept_rows;
  kept_rows.reserve(keep.size());
  for (int64_t a : keep) kept_rows.push_back(rows[a]);
  rows = std::move(kept_rows);
}

Trajectory assemble(const std::vector<SampleState>& samples, const std::vector<PromptSpec>& prompts,
                    int64_t group_size, int64_t pad_id, int64_t policy_version, bool budgeted) {
  const int64_t count = static_cast<int64_t>(samples.size());
  int64_t longest = 1;
  for (const SampleState& s : samples) longest = std::max<int64_t>(longest, s.tokens.size());
  Trajectory batch;
  batch.completion_ids = at::full({count, longest}, pad_id, at::kLong);
  batch.completion_mask = at::zeros({count, longest}, at::kFloat);
  batch.behavior_logprobs = at::zeros({count, longest}, at::kFloat);
  if (budgeted) batch.forced_mask = at::zeros({count, longest}, at::kFloat);
  batch.policy_version = policy_version;
  for (int64_t i = 0; i < count; ++i) {
    const SampleState& s = samples[i];
    const int64_t length = static_cast<int64_t>(s.tokens.size());
    batch.completion_ids[i].narrow(0, 0, length).copy_(at::tensor(s.tokens, at::kLong));
    batch.completion_mask[i].narrow(0, 0, length).fill_(1);
    batch.behavior_logprobs[i].narrow(0, 0, length).copy_(at::tensor(s.logprobs, at::kFloat));
    if (budgeted) {
      auto forced = batch.forced_mask.accessor<float, 2>();
      for (int64_t t = 0; t < length; ++t) forced[i][t] = s.forced[t] ? 1.0F : 0.0F;
    }
    const PromptSpec& prompt = prompts[i / group_size];
    batch.prompt_ids.push_back(prompt.ids);
    batch.group_ids.push_back(prompt.group_id);
    batch.finish_reasons.push_back(s.reason);
  }
  return batch;
}

// Prefills, expands each prompt to its G samples and decodes until every sample has finished.
std::vector<SampleState> sample_all(Transformer& model, const std::vector<PromptSpec>& prompts,
                                    const GenerationConfig& config, const Detokenizer& detokenize) {
  const c10::InferenceMode inference;
  const int64_t group_size = config.group_size;
  const int64_t count = static_cast<int64_t>(prompts.size()) * group_size;
  int64_t longest = 0;
  for (const PromptSpec& prompt : prompts) {
    TORCH_CHECK(!prompt.ids.empty(), "generate: an empty prompt (group ", prompt.group_id, ")");
    longest = std::max<int64_t>(longest, prompt.ids.size());
  }
  KvCache cache =
      model->new_cache(static_cast<int64_t>(prompts.size()), longest + config.max_new_tokens);
  at::Tensor logits = prefill(model, prompts, cache);  // [P, V]

  // Share each prompt's cache rows with its G samples.
  std::vector<int64_t> expand(count);
  for (int64_t i = 0; i < count; ++i) expand[i] = i / group_size;
  cache.select_rows(expand);
  logits = logits.index_select(0, at::tensor(expand, at::kLong).to(logits.device()));  // [N, V]

  std::vector<SampleState> samples(count);
  for (int64_t i = 0; i < count; ++i) {
    const PromptSpec& prompt = prompts[i / group_size];
    samples[i].prompt_length = static_cast<int64_t>(prompt.ids.size());
    samples[i].think_budget = prompt.think_budget >= 0 ? prompt.think_budget : config.think.tokens;
  }
  std::vector<int64_t> rows(count);  // sample index of each row of the decode batch
  std::iota(rows.begin(), rows.end(), 0);
  at::Generator generator = at::globalContext().defaultGenerator(logits.device()).clone();
  generator.set_current_seed(config.seed);

  for (int64_t step = 0; step < config.max_new_tokens; ++step) {
    const SampledTokens drawn = sample_tokens(logits, config.sampling, generator);
    const at::Tensor tokens = drawn.tokens.cpu().contiguous();
    const at::Tensor logprobs = drawn.logprobs.cpu().contiguous();
    int64_t live = 0;
    for (int64_t a = 0; a < static_cast<int64_t>(rows.size()); ++a) {
      SampleState& sample = samples[rows[a]];
      if (sample.done) continue;
      bool forced = false;
      const std::optional<int64_t> token =
          apply_think_budget(sample, tokens.data_ptr<int64_t>()[a], config.think, &forced);
      if (!token) {  // truncated at the thinking budget
        sample.done = true;
        sample.reason = FinishReason::kLength;
        continue;
      }
      live +=
          !append_token(sample, *token, logprobs.data_ptr<float>()[a], forced, config, detokenize);
    }
    if (live == 0) break;
    compact(cache, rows, samples);
    logits = decode_step(model, cache, rows, samples, config.pad_id);
  }
  return samples;
}

}  // namespace

Trajectory generate(Transformer& model, const std::vector<PromptSpec>& prompts,
                    const GenerationConfig& config, const Detokenizer& detokenize,
                    int64_t policy_version) {
  TORCH_CHECK(!prompts.empty(), "generate: no prompts");
  TORCH_CHECK(config.group_size >= 1 && config.max_new_tokens >= 1, "generate: group_size ",
              config.group_size, " and max_new_tokens ", config.max_new_tokens,
              " must be at least 1");
  TORCH_CHECK(config.stop_strings.empty() || detokenize,
              "generate: stop strings need a detokenizer");
  // The batch is assembled outside InferenceMode: its tensors feed the trainer's autograd.
  const std::vector<SampleState> samples = sample_all(model, prompts, config, detokenize);
  const bool budgeted = config.think.tokens >= 0 ||
                        std::any_of(prompts.begin(), prompts.end(),
                                    [](const PromptSpec& p) { return p.think_budget >= 0; });
  return assemble(samples, prompts, config.group_size, config.pad_id, policy_version, budgeted);
}

}  // namespace terse
