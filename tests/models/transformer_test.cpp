// The transformer's two paths (padded forward, KV-cache decoding), chunked log-probs, bf16, value
// head and activation checkpointing against each other (the independent reference:
// reference_test.cpp).
#include "models/transformer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <torch/torch.h>

#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/models/model_test_util.h"

namespace terse {
namespace {

using testing::max_abs_diff;
using testing::pad_batch;
using testing::random_ids;
using testing::random_model;
using testing::tiny_config;

TEST_CASE("KV-cache decoding gives the logits of the full forward", "[model]") {
  const std::string name = GENERATE(from_range(testing::tiny_config_names()));
  INFO("config " << name);
  const ModelConfig config = tiny_config(name);
  Transformer model = random_model(config, 11);
  torch::NoGradGuard no_grad;

  // Ragged prompts, left-padded, then four decode steps; sequence 1 pauses (padding) in step 2.
  std::vector<std::vector<int64_t>> full = {random_ids(5, config.vocab_size, 4),
                                            random_ids(2, config.vocab_size, 5),
                                            random_ids(1, config.vocab_size, 6)};
  const auto prompt = pad_batch(full, {true, true, true});
  KvCache cache = model->new_cache(3, 16);
  std::vector<at::Tensor> cached_logits;  // [3, T, V] per step
  cached_logits.push_back(model->logits(
      model->forward_cached(prompt.ids, prompt.attention_mask, prompt.position_ids, cache)));
  CHECK(cache.lengths() == std::vector<int64_t>{5, 2, 1});
  for (int step = 0; step < 4; ++step) {
    at::Tensor ids = at::zeros({3, 1}, at::kLong);
    at::Tensor mask = at::ones({3, 1}, at::kLong);
    at::Tensor positions = at::zeros({3, 1}, at::kLong);
    for (int64_t i = 0; i < 3; ++i) {
      if (i == 1 && step == 2) {
        mask[i][0] = 0;
        continue;
      }
      const int64_t token = random_ids(1, config.vocab_size, 100 + step * 3 + i)[0];
      auto& sequence = full[static_cast<size_t>(i)];
      positions[i][0] = static_cast<int64_t>(sequence.size());
      ids[i][0] = token;
      sequence.push_back(token);
    }
    cached_logits.push_back(model->logits(model->forward_cached(ids, mask, positions, cache)));
  }
  CHECK(cache.lengths() == std::vector<int64_t>{9, 5, 5});

  // The full forward over the final sequences, padded on the right this time.
  const auto whole = pad_batch(full, {false, false, false});
  const at::Tensor expected =
      model->logits(model->forward(whole.ids, whole.attention_mask, whole.position_ids));
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t prompt_length =
        static_cast<int64_t>(prompt.attention_mask[i].sum().item<int64_t>());
    for (int64_t t = 0; t < prompt_length; ++t) {
      INFO("sequence " << i << " prompt token " << t);
      CHECK(max_abs_diff(cached_logits[0][i][prompt.offsets[static_cast<size_t>(i)] + t],
                         expected[i][t]) < 1e-5);
    }
    int64_t position = prompt_length;
    for (int step = 0; step < 4; ++step) {
      if (i == 1 && step == 2) continue;
      INFO("sequence " << i << " decode step " << step);
      CHECK(max_abs_diff(cached_logits[static_cast<size_t>(step) + 1][i][0],
                         expected[i][position]) < 1e-5);
      ++position;
    }
  }
}

TEST_CASE("a cached prompt expanded to G samples and compacted decodes like fresh sequences",
          "[model]") {
  const ModelConfig config = tiny_config("qwen3");
  Transformer model = random_model(config, 13);
  torch::NoGradGuard no_grad;
  const std::vector<std::vector<int64_t>> prompts = {random_ids(4, config.vocab_size, 20),
                                                     random_ids(2, config.vocab_size, 21)};
  const auto prompt = pad_batch(prompts, {true, true});
  KvCache cache = model->new_cache(2, 12);
  model->forward_cached(prompt.ids, prompt.attention_mask, prompt.position_ids, cache);

  // Three samples per prompt, each continuing with its own token.
  const int64_t group = 3;
  cache.select_rows({0, 0, 0, 1, 1, 1});
  std::vector<std::vector<int64_t>> samples;
  at::Tensor ids = at::zeros({6, 1}, at::kLong);
  at::Tensor positions = at::zeros({6, 1}, at::kLong);
  for (int64_t s = 0; s < 6; ++s) {
    samples.push_back(prompts[static_cast<size_t>(s / group)]);
    samples.back().push_back(s + 5);
    ids[s][0] = s + 5;
    positions[s][0] = static_cast<int64_t>(samples.back().size()) - 1;
  }
  at::Tensor step_logits =
      model->logits(model->forward_cached(ids, at::ones({6, 1}, at::kLong), positions, cache));

  // Samples 1 and 4 finish; the others continue one more token.
  const std::vector<int64_t> keep = {0, 2, 3, 5};
  cache.select_rows(keep);
  at::Tensor next_ids = at::zeros({4, 1}, at::kLong);
  at::Tensor next_positions = at::zeros({4, 1}, at::kLong);
  for (size_t k = 0; k < keep.size(); ++k) {
    auto& sample = samples[static_cast<size_t>(keep[k])];
    next_positions[static_cast<int64_t>(k)][0] = static_cast<int64_t>(sample.size());
    next_ids[static_cast<int64_t>(k)][0] = 40 + static_cast<int64_t>(k);
    sample.push_back(40 + static_cast<int64_t>(k));
  }
  at::Tensor next_logits = model->logits(
      model->forward_cached(next_ids, at::ones({4, 1}, at::kLong), next_positions, cache));
  CHECK(cache.lengths() == std::vector<int64_t>{6, 6, 4, 4});

  for (int64_t s = 0; s < 6; ++s) {
    const auto& sample = samples[static_cast<size_t>(s)];
    const auto one = pad_batch({sample}, {false});
    const at::Tensor expected =
        model->logits(model->forward(one.ids, one.attention_mask, one.position_ids))[0];
    const int64_t decoded = static_cast<int64_t>(prompts[static_cast<size_t>(s / group)].size());
    INFO("sample " << s);
    CHECK(max_abs_diff(step_logits[s][0], expected[decoded]) < 1e-5);
    const auto it = std::find(keep.begin(), keep.end(), s);
    if (it != keep.end()) {
      CHECK(max_abs_diff(next_logits[it - keep.begin()][0], expected[decoded + 1]) < 1e-5);
    }
  }
}

TEST_CASE("a KV cache refuses to grow past its capacity", "[model]") {
  const ModelConfig config = tiny_config("qwen2");
  Transformer model(config);
  torch::NoGradGuard no_grad;
  KvCache cache = model->new_cache(1, 3);
  const auto batch = pad_batch({{1, 2, 3, 4}}, {false});
  CHECK_THROWS_WITH(
      model->forward_cached(batch.ids, batch.attention_mask, batch.position_ids, cache),
      Catch::Contains("over the capacity of 3"));
}

TEST_CASE("chunked token log-probs equal the unchunked ones, gradients included", "[model]") {
  ModelConfig config = tiny_config("llama");
  config.logprob_chunk = 3;  // 2 x 7 = 14 tokens: five chunks, the last one partial
  Transformer model = random_model(config, 17);
  const auto batch = pad_batch(
      {random_ids(7, config.vocab_size, 30), random_ids(5, config.vocab_size, 31)}, {true, false});
  const at::Tensor targets = at::randint(config.vocab_size, {2, 7}, at::kLong);
  const at::Tensor weights = at::rand({2, 7});

  const at::Tensor hidden = model->forward(batch.ids, batch.attention_mask, batch.position_ids);
  const at::Tensor chunked = model->token_logprobs(hidden, targets);
  (chunked * weights).sum().backward();
  std::vector<at::Tensor> chunked_grads;
  for (const auto& p : model->parameters()) chunked_grads.push_back(p.grad().clone());
  model->zero_grad();

  // Plain log_softmax over the full [N, T, V] logits.
  const at::Tensor hidden2 = model->forward(batch.ids, batch.attention_mask, batch.position_ids);
  const at::Tensor full =
      model->logits(hidden2).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
  (full * weights).sum().backward();

  REQUIRE(chunked.scalar_type() == at::kFloat);
  CHECK(max_abs_diff(chunked, full) < 1e-5);
  CHECK(chunked.lt(0).all().item<bool>());
  const auto params = model->parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(params[i].grad().abs().max().item<double>() > 0);
    CHECK(max_abs_diff(chunked_grads[i], params[i].grad()) < 1e-5);
  }
}

TEST_CASE("a bfloat16 model runs and stays close to float32", "[model]") {
  ModelConfig config = tiny_config("qwen2");
  Transformer fp32 = random_model(config, 19);
  config.dtype = DType::kBFloat16;
  Transformer bf16(config);
  {
    torch::NoGradGuard no_grad;
    const auto source = fp32->named_parameters();
    for (auto& item : bf16->named_parameters()) {
      REQUIRE(item.value().scalar_type() == at::kBFloat16);
      item.value().copy_(source[item.key()]);
    }
  }
  torch::NoGradGuard no_grad;
  const auto batch = pad_batch({random_ids(8, config.vocab_size, 40)}, {false});
  const at::Tensor targets = at::roll(batch.ids, -1, 1);
  const at::Tensor want = fp32->token_logprobs(
      fp32->forward(batch.ids, batch.attention_mask, batch.position_ids), targets);
  const at::Tensor hidden = bf16->forward(batch.ids, batch.attention_mask, batch.position_ids);
  REQUIRE(hidden.scalar_type() == at::kBFloat16);
  const at::Tensor got = bf16->token_logprobs(hidden, targets);
  REQUIRE(got.scalar_type() == at::kFloat);
  CHECK(got.isfinite().all().item<bool>());
  // bf16 keeps 8 bits of mantissa: log-probs of a few units agree to a few hundredths.
  CHECK(max_abs_diff(got, want) < 0.1);
  CHECK(max_abs_diff(got, want) > 0);

  // Decoding in bf16 also follows the bf16 forward.
  KvCache cache = bf16->new_cache(1, 8);
  const at::Tensor cached = bf16->token_logprobs(
      bf16->forward_cached(batch.ids, batch.attention_mask, batch.position_ids, cache), targets);
  CHECK(max_abs_diff(cached, got) < 0.05);
}

TEST_CASE("with bf16 products the cache is bf16 and decodes exactly as a float32 cache",
          "[model][bf16]") {
  const std::string name = GENERATE(from_range(testing::tiny_config_names()));
  INFO("config " << name);
  ModelConfig config = tiny_config(name);
  config.compute_dtype = ComputeDType::kBFloat16;
  Transformer model = random_model(config, 23);
  REQUIRE(model->bf16_autocast());
  torch::NoGradGuard no_grad;
  KvCache cache = model->new_cache(2, 12);
  CHECK(cache.dtype() == at::kBFloat16);
  KvCache fp32_cache(config.num_layers, 2, config.num_kv_heads, 12, config.resolved_head_dim(),
                     at::TensorOptions().dtype(at::kFloat));
  // A ragged prompt, then three decoding steps through each cache: the same logits, bit for bit.
  const auto prompt = pad_batch(
      {random_ids(5, config.vocab_size, 7), random_ids(3, config.vocab_size, 8)}, {true, true});
  const auto step = [&](KvCache& kv, const at::Tensor& ids, const at::Tensor& mask,
                        const at::Tensor& positions) {
    return model->logits(model->forward_cached(ids, mask, positions, kv));
  };
  CHECK(at::equal(step(cache, prompt.ids, prompt.attention_mask, prompt.position_ids),
                  step(fp32_cache, prompt.ids, prompt.attention_mask, prompt.position_ids)));
  for (int64_t t = 0; t < 3; ++t) {
    const at::Tensor ids = at::full({2, 1}, 3 + t, at::kLong);
    const at::Tensor positions = at::tensor({5 + t, 3 + t}, at::kLong).view({2, 1});
    const at::Tensor mask = at::ones({2, 1}, at::kLong);
    INFO("decoding step " << t);
    CHECK(at::equal(step(cache, ids, mask, positions), step(fp32_cache, ids, mask, positions)));
  }
}

TEST_CASE("the value head maps each hidden state to one float32 value", "[model]") {
  ModelConfig config = tiny_config("qwen3");
  config.value_head = true;
  Transformer model = random_model(config, 23);
  torch::NoGradGuard no_grad;
  const auto batch = pad_batch(
      {random_ids(5, config.vocab_size, 50), random_ids(3, config.vocab_size, 51)}, {false, true});
  const at::Tensor hidden = model->forward(batch.ids, batch.attention_mask, batch.position_ids);
  const at::Tensor values = model->values(hidden);
  REQUIRE(values.sizes() == at::IntArrayRef({2, 5}));
  REQUIRE(values.scalar_type() == at::kFloat);
  const auto params = model->named_parameters();
  const at::Tensor w = params["value_head.weight"];  // [1, H]
  const at::Tensor b = params["value_head.bias"];    // [1]
  REQUIRE(w.sizes() == at::IntArrayRef({1, config.hidden_size}));
  const at::Tensor expected = (hidden * w[0]).sum(-1) + b[0];
  CHECK(max_abs_diff(values, expected) < 1e-5);

  Transformer without(tiny_config("qwen3"));
  CHECK_THROWS_WITH(without->values(hidden), Catch::Contains("no value head"));
}

// Nodes of the autograd graph that computes `output` (each counted once).
int64_t autograd_nodes(const at::Tensor& output) {
  std::set<const torch::autograd::Node*> seen;
  std::vector<std::shared_ptr<torch::autograd::Node>> stack = {output.grad_fn()};
  while (!stack.empty()) {
    const std::shared_ptr<torch::autograd::Node> node = stack.back();
    stack.pop_back();
    if (!node || !seen.insert(node.get()).second) continue;
    for (const torch::autograd::Edge& edge : node->next_edges()) stack.push_back(edge.function);
  }
  return static_cast<int64_t>(seen.size());
}

TEST_CASE("activation checkpointing gives the same loss and gradients", "[model]") {
  const std::string name = GENERATE(std::string("llama"), std::string("qwen3"));
  INFO("config " << name);
  ModelConfig config = tiny_config(name);
  config.value_head = true;
  Transformer plain = random_model(config, 29);
  config.activation_checkpointing = true;
  Transformer checkpointed = random_model(config, 29);

  const auto batch = pad_batch(
      {random_ids(6, config.vocab_size, 60), random_ids(4, config.vocab_size, 61)}, {true, false});
  const at::Tensor targets = at::roll(batch.ids, -1, 1);
  auto loss_of = [&](Transformer& model) {
    const at::Tensor hidden = model->forward(batch.ids, batch.attention_mask, batch.position_ids);
    const at::Tensor mask = batch.attention_mask.to(at::kFloat);
    return -(model->token_logprobs(hidden, targets) * mask).sum() +
           (model->values(hidden) * mask).pow(2).sum();
  };
  const at::Tensor plain_loss = loss_of(plain);
  const at::Tensor checkpointed_loss = loss_of(checkpointed);
  // Checkpointing is really on: the layers' insides are not in the autograd graph (each layer
  // is one node that recomputes them in backward), so the graph is much smaller.
  const int64_t plain_nodes = autograd_nodes(plain_loss);
  const int64_t checkpointed_nodes = autograd_nodes(checkpointed_loss);
  INFO("autograd nodes: plain " << plain_nodes << ", checkpointed " << checkpointed_nodes);
  CHECK(checkpointed_nodes * 2 < plain_nodes);
  plain_loss.backward();
  checkpointed_loss.backward();
  CHECK(checkpointed_loss.item<double>() == Approx(plain_loss.item<double>()).epsilon(1e-6));

  const auto want = plain->named_parameters();
  for (const auto& item : checkpointed->named_parameters()) {
    INFO("parameter " << item.key());
    REQUIRE(item.value().grad().defined());
    CHECK(want[item.key()].grad().abs().max().item<double>() > 0);
    CHECK(max_abs_diff(item.value().grad(), want[item.key()].grad()) < 1e-5);
  }
}

TEST_CASE("forward checks the shapes it is given", "[model]") {
  Transformer model(tiny_config("llama"));
  const at::Tensor ids = at::zeros({2, 3}, at::kLong);
  CHECK_THROWS_WITH(model->forward(ids, at::ones({2, 4}, at::kLong), at::zeros({2, 3}, at::kLong)),
                    Catch::Contains("same [N, T] shape"));
  CHECK_THROWS_WITH(
      model->forward(ids.to(at::kInt), at::ones({2, 3}), at::zeros({2, 3}, at::kLong)),
      Catch::Contains("int64"));
}

}  // namespace
}  // namespace terse
