// The sampling engine on a tiny random-weight model: token sampling by hand, reproducibility,
// stop conditions, ragged prompts and compaction (checked against one-prompt-at-a-time runs),
// and behaviour log-probs equal to the trainer's full-forward recomputation.
#include "rollout/sampling_engine.h"

#include <torch/torch.h>

#include "tests/catch.h"
#include "tests/rollout/tiny_model.h"

namespace terse {
namespace {

constexpr int64_t kVocab = 40;

Transformer tiny_model() { return testing::tiny_rollout_model(11, kVocab); }

// A detokenizer for the tests: id i is the letter 'a' + i % 26.
std::string letters(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) text += static_cast<char>('a' + id % 26);
  return text;
}

std::vector<PromptSpec> ragged_prompts() {
  return {{{1, 2, 3, 4, 5, 6, 7}, 0}, {{8, 9}, 1}, {{10, 11, 12, 13}, 2}};
}

GenerationConfig greedy(int64_t max_new, int64_t group_size = 1) {
  GenerationConfig config;
  config.sampling.greedy = true;
  config.max_new_tokens = max_new;
  config.group_size = group_size;
  return config;
}

TEST_CASE("token sampler: greedy, the reported log-prob and truncation by hand", "[sampler]") {
  // probs of row 0 at temperature 1: softmax(log [0.5, 0.3, 0.15, 0.05]) = 0.5, 0.3, 0.15, 0.05.
  const at::Tensor logits = at::log(at::tensor({0.5, 0.3, 0.15, 0.05}, at::kFloat)).view({1, 4});
  at::Generator generator = at::globalContext().defaultGenerator(at::kCPU).clone();
  generator.set_current_seed(1);

  SamplingParams params;
  params.greedy = true;
  SampledTokens best = sample_tokens(logits, params, generator);
  CHECK(best.tokens.item<int64_t>() == 0);
  CHECK(best.logprobs.item<float>() == Approx(std::log(0.5)));

  // Temperature 2: softmax(log p / 2) is proportional to sqrt(p); token 0 has
  // sqrt(.5) / (sqrt(.5) + sqrt(.3) + sqrt(.15) + sqrt(.05))
  //   = 0.70711 / (0.70711 + 0.54772 + 0.38730 + 0.22361) = 0.70711 / 1.86574 = 0.37899.
  params.temperature = 2;
  best = sample_tokens(logits, params, generator);
  CHECK(best.logprobs.item<float>() == Approx(std::log(0.37899)).epsilon(1e-4));

  // top_p 0.9 keeps 0.5, 0.3, 0.15 (mass before 0.05 is 0.95 >= 0.9); top_k 2 keeps two.
  const at::Tensor nucleus = truncate_logits(logits, 0, 0.9);
  CHECK(std::isinf(nucleus[0][3].item<float>()));
  CHECK(std::isfinite(nucleus[0][2].item<float>()));
  const at::Tensor top2 = truncate_logits(logits, 2, 1.0);
  CHECK(std::isfinite(top2[0][1].item<float>()));
  CHECK(std::isinf(top2[0][2].item<float>()));

  // Sampling never draws a truncated token.
  params = SamplingParams{};
  params.top_k = 2;
  const at::Tensor many = logits.expand({4000, 4}).contiguous();
  const at::Tensor drawn = sample_tokens(many, params, generator).tokens;
  CHECK(drawn.max().item<int64_t>() <= 1);
  // Renormalised over the top 2: token 0 with 0.5 / 0.8 = 0.625.
  CHECK((drawn == 0).to(at::kFloat).mean().item<float>() == Approx(0.625).margin(0.03));
}

TEST_CASE("the same seed gives the same tokens; another seed other tokens", "[engine]") {
  Transformer model = tiny_model();
  GenerationConfig config;
  config.max_new_tokens = 12;
  config.group_size = 4;
  config.seed = 5;
  const Trajectory a = generate(model, ragged_prompts(), config, {}, 0);
  const Trajectory b = generate(model, ragged_prompts(), config, {}, 0);
  CHECK(at::equal(a.completion_ids, b.completion_ids));
  CHECK(at::equal(a.behavior_logprobs, b.behavior_logprobs));
  config.seed = 6;
  const Trajectory c = generate(model, ragged_prompts(), config, {}, 0);
  CHECK_FALSE(at::equal(a.completion_ids, c.completion_ids));
  CHECK(a.size() == 12);  // 3 prompts x 4 samples
  CHECK(a.group_ids == std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
  CHECK(a.prompt_ids[5] == std::vector<int64_t>{8, 9});
}

TEST_CASE("ragged prompts in one batch decode as each prompt alone", "[engine]") {
  Transformer model = tiny_model();
  const Trajectory batch = generate(model, ragged_prompts(), greedy(10, 2), {}, 0);
  for (int64_t p = 0; p < 3; ++p) {
    const Trajectory alone = generate(model, {ragged_prompts()[p]}, greedy(10), {}, 0);
    INFO("prompt " << p);
    CHECK(batch.completion(2 * p) == alone.completion(0));
    CHECK(batch.completion(2 * p + 1) == alone.completion(0));  // G copies of a greedy sample
    CHECK(batch.finish_reasons[2 * p] == FinishReason::kLength);
  }
}

TEST_CASE("stop tokens end a completion (kept in it); others run to the limit", "[engine]") {
  Transformer model = tiny_model();
  const std::vector<PromptSpec> prompts = ragged_prompts();
  const Trajectory free_run = generate(model, prompts, greedy(16), {}, 0);
  // Stop on prompt 0's fourth token: its completion ends right there.
  const std::vector<int64_t> first = free_run.completion(0);
  GenerationConfig config = greedy(16);
  config.stop_token_ids = {first[3]};
  const Trajectory stopped = generate(model, prompts, config, {}, 0);
  const auto cut = std::find(first.begin(), first.end(), first[3]);
  CHECK(stopped.completion(0) == std::vector<int64_t>(first.begin(), cut + 1));
  CHECK(stopped.finish_reasons[0] == FinishReason::kStop);
  // Every other completion is its free run cut at the first stop token, if any: compaction
  // (dropping finished rows mid-batch) must not disturb the rows that go on.
  for (int64_t i = 1; i < stopped.size(); ++i) {
    const std::vector<int64_t> full = free_run.completion(i);
    const auto end = std::find(full.begin(), full.end(), first[3]);
    const bool hit = end != full.end();
    INFO("sample " << i);
    CHECK(stopped.completion(i) == std::vector<int64_t>(full.begin(), hit ? end + 1 : full.end()));
    CHECK(stopped.finish_reasons[i] == (hit ? FinishReason::kStop : FinishReason::kLength));
  }
  CHECK(stopped.completion_mask.sum(1).max().item<float>() <= 16);
}

TEST_CASE("stop strings end a completion once its text contains them", "[engine]") {
  Transformer model = tiny_model();
  const std::vector<PromptSpec> prompts = {ragged_prompts()[1]};
  const std::vector<int64_t> free_run = generate(model, prompts, greedy(16), {}, 0).completion(0);
  const std::string text = letters(free_run);
  const std::string stop = text.substr(4, 2);  // two letters that first occur at or before 4
  GenerationConfig config = greedy(16);
  config.stop_strings = {stop};
  const Trajectory stopped = generate(model, prompts, config, letters, 0);
  const size_t end = text.find(stop) + stop.size();
  CHECK(letters(stopped.completion(0)) == text.substr(0, end));
  CHECK(stopped.finish_reasons[0] == FinishReason::kStop);
}

// log pi(token) at `temperature` by a full forward over prompt + completion, as the trainer
// computes it: hidden / temperature through the (bias-free) output layer.
at::Tensor recompute_logprobs(Transformer& model, const Trajectory& batch, double temperature) {
  const int64_t count = batch.size(), completion = batch.completion_ids.size(1);
  int64_t longest = 0;
  for (const auto& prompt : batch.prompt_ids) {
    longest = std::max<int64_t>(longest, prompt.size() + completion);
  }
  at::Tensor ids = at::zeros({count, longest}, at::kLong);
  at::Tensor mask = at::zeros({count, longest}, at::kLong);
  at::Tensor targets = at::zeros({count, longest}, at::kLong);
  for (int64_t i = 0; i < count; ++i) {
    const auto& prompt = batch.prompt_ids[i];
    const std::vector<int64_t> tokens = batch.completion(i);
    std::vector<int64_t> sequence = prompt;
    sequence.insert(sequence.end(), tokens.begin(), tokens.end());
    const int64_t length = static_cast<int64_t>(sequence.size());
    ids[i].narrow(0, 0, length).copy_(at::tensor(sequence, at::kLong));
    mask[i].narrow(0, 0, length).fill_(1);
    targets[i].narrow(0, 0, length - 1).copy_(ids[i].narrow(0, 1, length - 1));
  }
  const at::Tensor positions = at::arange(longest, at::kLong).expand({count, longest});
  const at::Tensor hidden = model->forward(ids, mask, positions);               // [N, S, H]
  const at::Tensor all = model->token_logprobs(hidden / temperature, targets);  // [N, S]
  at::Tensor out = at::zeros({count, completion});
  for (int64_t i = 0; i < count; ++i) {
    const int64_t start = static_cast<int64_t>(batch.prompt_ids[i].size()) - 1;
    const int64_t length = batch.completion_mask[i].sum().item<int64_t>();
    out[i].narrow(0, 0, length).copy_(all[i].narrow(0, start, length));
  }
  return out;
}

TEST_CASE("recorded log-probs equal the trainer's full-forward recomputation", "[engine]") {
  Transformer model = tiny_model();
  for (const auto& [temperature, top_p] : {std::pair{1.0, 1.0}, {0.7, 0.9}, {1.3, 0.8}}) {
    GenerationConfig config;
    config.max_new_tokens = 20;
    config.group_size = 3;
    config.sampling.temperature = temperature;
    config.sampling.top_p = top_p;
    config.sampling.top_k = 30;
    config.seed = 3;
    config.stop_token_ids = {7};  // some samples stop early: ragged completions
    const Trajectory batch = generate(model, ragged_prompts(), config, {}, 0);
    const at::Tensor recomputed = recompute_logprobs(model, batch, temperature);
    const at::Tensor difference =
        (recomputed - batch.behavior_logprobs).abs() * batch.completion_mask;
    INFO("temperature " << temperature << ", top_p " << top_p);
    CHECK(difference.max().item<float>() < 1e-4);
    CHECK(batch.behavior_logprobs.abs().sum().item<float>() > 0);
  }
}

TEST_CASE("with bf16 products the recorded log-probs match the recomputation to bf16 rounding",
          "[engine][bf16]") {
  // The same weights in float32 and with bf16 autocast (float32 weights either way).
  Transformer exact = tiny_model();
  Transformer mixed = testing::tiny_rollout_model(11, kVocab, DType::kFloat32,
                                                  c10::Device(c10::kCPU), ComputeDType::kBFloat16);
  REQUIRE(mixed->bf16_autocast());
  REQUIRE(!exact->bf16_autocast());
  REQUIRE(mixed->parameters().front().scalar_type() == at::kFloat);
  GenerationConfig config;
  config.max_new_tokens = 20;
  config.group_size = 3;
  config.seed = 3;
  config.stop_token_ids = {7};
  const Trajectory batch = generate(mixed, ragged_prompts(), config, {}, 0);
  const at::Tensor mask = batch.completion_mask.to(at::kFloat);
  const at::Tensor recomputed = recompute_logprobs(mixed, batch, 1.0);
  const at::Tensor in_fp32 = recompute_logprobs(exact, batch, 1.0);
  // Decoding token by token and the full forward round the bf16 products differently (other
  // shapes, other accumulation orders): less than bf16 differs from float32 arithmetic. This
  // model's large weights (init std 0.5) make the gaps larger than a trained model's.
  const double tokens = mask.sum().item<double>();
  const auto mean_gap = [&](const at::Tensor& logprobs) {
    return ((logprobs - batch.behavior_logprobs).abs() * mask).sum().item<double>() / tokens;
  };
  const double mixed_gap = mean_gap(recomputed);
  const double fp32_gap = mean_gap(in_fp32);
  INFO("mean |difference|: rollout vs trainer " << mixed_gap << ", bf16 vs float32 " << fp32_gap);
  CHECK(mixed_gap < 0.05);
  CHECK(mixed_gap < fp32_gap);
  CHECK(fp32_gap > 1e-3);  // the products really ran in bf16
  CHECK(fp32_gap < 0.2);
}

// The thinking tokens of a completion as the budget counts them: before the first `close`, not
// counting `open`.
int64_t thinking_tokens(const std::vector<int64_t>& ids, int64_t open, int64_t close) {
  int64_t count = 0;
  for (int64_t id : ids) {
    if (id == close) break;
    count += id != open;
  }
  return count;
}

// Two token ids that no completion of `batch` contains: a close tag and an answer prefix that
// a greedy run never produces by itself, so every run thinks on until its budget stops it.
std::pair<int64_t, int64_t> unused_ids(const Trajectory& batch) {
  std::vector<bool> used(kVocab, false);
  for (int64_t i = 0; i < batch.size(); ++i) {
    for (int64_t id : batch.completion(i)) used[id] = true;
  }
  std::vector<int64_t> free;
  for (int64_t id = kVocab - 1; id >= 0 && free.size() < 2; --id) {
    if (!used[id]) free.push_back(id);
  }
  REQUIRE(free.size() == 2);
  return {free[0], free[1]};
}

TEST_CASE("a thinking budget forces the end of thinking, or truncates, token by token",
          "[engine][think]") {
  Transformer model = tiny_model();
  const std::vector<PromptSpec> prompts = ragged_prompts();
  const Trajectory free_run = generate(model, prompts, greedy(16), {}, 0);
  CHECK_FALSE(free_run.forced_mask.defined());  // no budget: nothing forced, nothing recorded
  const auto [close, prefix] = unused_ids(free_run);
  GenerationConfig config = greedy(16);
  config.think.tokens = 3;
  config.think.close_ids = {close, prefix};
  SECTION("force: three thinking tokens, then </think> and the prefix, marked, log-prob 0") {
    const Trajectory forced = generate(model, prompts, config, {}, 0);
    REQUIRE(forced.forced_mask.defined());
    for (int64_t i = 0; i < forced.size(); ++i) {
      INFO("sample " << i);
      const std::vector<int64_t> ids = forced.completion(i);
      const std::vector<int64_t> free = free_run.completion(i);
      REQUIRE(ids.size() >= 5);
      CHECK(std::vector<int64_t>(ids.begin(), ids.begin() + 3) ==
            std::vector<int64_t>(free.begin(), free.begin() + 3));
      CHECK(ids[3] == close);
      CHECK(ids[4] == prefix);
      CHECK(thinking_tokens(ids, -1, close) == 3);
      for (int64_t t = 0; t < static_cast<int64_t>(ids.size()); ++t) {
        const bool is_forced = t == 3 || t == 4;
        CHECK(forced.forced_mask[i][t].item<float>() == (is_forced ? 1.0F : 0.0F));
        if (is_forced) CHECK(forced.behavior_logprobs[i][t].item<float>() == 0.0F);
      }
      CHECK(forced.finish_reasons[i] == FinishReason::kLength);  // answered on to max_new_tokens
    }
  }
  SECTION("truncate: the sample stops after its three thinking tokens") {
    config.think.mode = ThinkBudgetMode::kTruncate;
    const Trajectory cut = generate(model, prompts, config, {}, 0);
    for (int64_t i = 0; i < cut.size(); ++i) {
      const std::vector<int64_t> free = free_run.completion(i);
      CHECK(cut.completion(i) == std::vector<int64_t>(free.begin(), free.begin() + 3));
      CHECK(cut.finish_reasons[i] == FinishReason::kLength);
    }
    CHECK(cut.forced_mask.sum().item<float>() == 0);
  }
  SECTION("the opening token does not count, and a thought closed in time is left alone") {
    // Take prompt 0's second free-run token as the opening tag: it is not counted, so the
    // forced close comes one token later for that sample.
    const std::vector<int64_t> free = free_run.completion(0);
    config.think.open_id = free[1];
    const Trajectory with_open = generate(model, {prompts[0]}, config, {}, 0);
    CHECK(with_open.completion(0)[4] == close);
    CHECK(thinking_tokens(with_open.completion(0), free[1], close) == 3);
    // A budget larger than the run: greedy decoding is untouched.
    config.think.open_id = -1;
    config.think.tokens = 100;
    CHECK(generate(model, prompts, config, {}, 0).completion(1) == free_run.completion(1));
    // The model's own close token ends thinking: nothing is forced after it.
    config.think.tokens = 3;
    config.think.close_ids = {free[1]};
    const Trajectory closes = generate(model, {prompts[0]}, config, {}, 0);
    CHECK(closes.completion(0) == free);
    CHECK(closes.forced_mask.sum().item<float>() == 0);
  }
}

TEST_CASE("each prompt can carry its own thinking budget in one batch", "[engine][think]") {
  Transformer model = tiny_model();
  std::vector<PromptSpec> prompts = ragged_prompts();
  prompts[0].think_budget = 1;
  prompts[1].think_budget = 5;  // prompt 2 takes the config's budget, 0
  GenerationConfig config = greedy(12, 2);
  const int64_t close = unused_ids(generate(model, prompts, config, {}, 0)).first;
  config.think.tokens = 0;
  config.think.close_ids = {close};
  const Trajectory batch = generate(model, prompts, config, {}, 0);
  const int64_t budgets[] = {1, 5, 0};
  for (int64_t i = 0; i < batch.size(); ++i) {
    INFO("sample " << i);
    const std::vector<int64_t> ids = batch.completion(i);
    const int64_t budget = budgets[i / 2];
    CHECK(thinking_tokens(ids, -1, close) == budget);
    REQUIRE(static_cast<int64_t>(ids.size()) > budget);
    CHECK(ids[budget] == close);
    CHECK(batch.forced_mask[i].sum().item<float>() == 1);
  }
}

}  // namespace
}  // namespace terse
