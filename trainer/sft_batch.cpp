#include "trainer/sft_batch.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "data/completion.h"
#include "reward/length_target.h"
#include "trainer/micro_batches.h"

namespace terse {

std::vector<int64_t> sft_prompt_ids(const Tokenizer& tokenizer, const Problem& problem) {
  std::vector<int64_t> ids;
  if (const auto bos = tokenizer.special_ids().bos) ids.push_back(*bos);
  for (const int32_t id : tokenizer.encode(problem.prompt)) ids.push_back(id);
  return ids;
}

std::string sft_completion(const Problem& problem, SftTarget target) {
  switch (target) {
    case SftTarget::kLong:
      return long_completion(problem);
    case SftTarget::kCore:
      return core_completion(problem);
    case SftTarget::kDirect:
      return direct_completion(problem);
    case SftTarget::kEffort:  // resolved per problem by sft_completions
      break;
  }
  return long_completion(problem);
}

std::vector<EffortRequest> ask_for_effort(const RewardConfig& reward, uint64_t seed,
                                          uint64_t first_key, std::vector<Problem>* problems) {
  std::vector<EffortRequest> requests;
  requests.reserve(problems->size());
  for (size_t i = 0; i < problems->size(); ++i) {
    requests.push_back(draw_effort_request(reward, seed, first_key + i));
    Problem& p = (*problems)[i];
    p.prompt = with_effort_instruction(p.prompt, reward.effort, requests.back());
  }
  return requests;
}

namespace {

std::vector<std::string> completions_of(const std::vector<Problem>& problems, SftTarget target) {
  std::vector<std::string> completions;
  completions.reserve(problems.size());
  for (const Problem& p : problems) completions.push_back(sft_completion(p, target));
  return completions;
}

}  // namespace

std::vector<std::string> sft_completions(SftTarget target, const RewardConfig& reward,
                                         uint64_t seed, uint64_t first_key,
                                         std::vector<Problem>* problems) {
  if (target != SftTarget::kEffort) return completions_of(*problems, target);
  std::vector<std::string> completions;
  completions.reserve(problems->size());
  const std::vector<EffortRequest> requests = ask_for_effort(reward, seed, first_key, problems);
  for (size_t i = 0; i < requests.size(); ++i) {
    const Problem& p = (*problems)[i];
    completions.push_back(make_completion(budget_trace(p, requests[i].budget), p.answer));
  }
  return completions;
}

absl::StatusOr<std::vector<SftExample>> make_sft_examples(const Tokenizer& tokenizer,
                                                          const std::vector<Problem>& problems,
                                                          SftTarget target, int64_t max_seq_len) {
  return make_sft_examples(tokenizer, problems, completions_of(problems, target), max_seq_len);
}

absl::StatusOr<std::vector<SftExample>> make_sft_examples(
    const Tokenizer& tokenizer, const std::vector<Problem>& problems,
    const std::vector<std::string>& completions, int64_t max_seq_len) {
  const auto eos = tokenizer.special_ids().eos;
  if (!eos) {
    return absl::FailedPreconditionError(
        "the tokenizer has no eos token, which SFT appends to every completion: use a tokenizer "
        "whose tokenizer_config.json names an eos_token");
  }
  std::vector<SftExample> examples;
  examples.reserve(problems.size());
  size_t longest = 0;
  for (size_t i = 0; i < problems.size(); ++i) {
    SftExample example;
    example.ids = sft_prompt_ids(tokenizer, problems[i]);
    example.prompt_tokens = static_cast<int64_t>(example.ids.size());
    for (const int32_t id : tokenizer.encode(completions[i])) {
      example.ids.push_back(id);
    }
    example.ids.push_back(*eos);
    examples.push_back(std::move(example));
    if (examples.back().ids.size() > examples[longest].ids.size()) longest = i;
  }
  if (!examples.empty() && static_cast<int64_t>(examples[longest].ids.size()) > max_seq_len) {
    return absl::FailedPreconditionError(absl::StrCat(
        "problem ", longest, " (\"", problems[longest].prompt, "\") is ",
        examples[longest].ids.size(), " tokens with its completion, more than model.max_seq_len = ",
        max_seq_len, ": raise model.max_seq_len or lower data.max_completion_tokens"));
  }
  return examples;
}

SftBatch make_sft_batch(const std::vector<const SftExample*>& examples, int64_t pad_id,
                        at::Device device) {
  TORCH_CHECK(!examples.empty(), "make_sft_batch: no examples");
  const auto n = static_cast<int64_t>(examples.size());
  int64_t t = 0;
  for (const SftExample* e : examples) {
    TORCH_CHECK(e->ids.size() >= 2, "make_sft_batch: a sequence of ", e->ids.size(), " tokens");
    t = std::max<int64_t>(t, static_cast<int64_t>(e->ids.size()) - 1);
  }
  SftBatch batch;
  at::Tensor inputs = at::full({n, t}, pad_id, at::kLong);   // [N, T]
  at::Tensor targets = at::full({n, t}, pad_id, at::kLong);  // [N, T]
  at::Tensor attention = at::zeros({n, t}, at::kLong);       // [N, T]
  at::Tensor loss_mask = at::zeros({n, t}, at::kFloat);      // [N, T]
  auto in = inputs.accessor<int64_t, 2>();
  auto out = targets.accessor<int64_t, 2>();
  auto att = attention.accessor<int64_t, 2>();
  auto mask = loss_mask.accessor<float, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const SftExample& e = *examples[i];
    const auto length = static_cast<int64_t>(e.ids.size()) - 1;
    for (int64_t j = 0; j < length; ++j) {
      in[i][j] = e.ids[j];
      out[i][j] = e.ids[j + 1];
      att[i][j] = 1;
      // Target j is token j + 1: a completion token when j + 1 >= prompt_tokens.
      mask[i][j] = j + 1 >= e.prompt_tokens ? 1.0F : 0.0F;
    }
    batch.tokens += length;
    batch.loss_tokens += length + 1 - std::max<int64_t>(e.prompt_tokens, 1);
  }
  batch.inputs = inputs.to(device);
  batch.targets = targets.to(device);
  batch.attention_mask = attention.to(device);
  batch.position_ids = at::arange(t, at::kLong).unsqueeze(0).expand({n, t}).contiguous().to(device);
  batch.loss_mask = loss_mask.to(device);
  return batch;
}

std::vector<std::vector<const SftExample*>> split_micro_batches(
    const std::vector<const SftExample*>& examples, int64_t max_tokens) {
  std::vector<int64_t> lengths;
  lengths.reserve(examples.size());
  for (const SftExample* e : examples) lengths.push_back(static_cast<int64_t>(e->ids.size()));
  std::vector<std::vector<const SftExample*>> parts;
  for (const std::vector<size_t>& part : split_by_token_budget(lengths, max_tokens)) {
    parts.emplace_back();
    for (const size_t i : part) parts.back().push_back(examples[i]);
  }
  return parts;
}

at::Tensor sft_loss_sum(Transformer& model, const SftBatch& batch) {
  const at::Tensor hidden =
      model->forward(batch.inputs, batch.attention_mask, batch.position_ids);  // [N, T, H]
  const at::Tensor logprobs = model->token_logprobs(hidden, batch.targets);    // [N, T]
  return -(logprobs * batch.loss_mask).sum();
}

}  // namespace terse
