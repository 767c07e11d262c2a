#include "tests/models/model_test_util.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <ATen/CPUGeneratorImpl.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <torch/csrc/autograd/grad_mode.h>

#include "absl/strings/match.h"

namespace terse::testing {

namespace fs = std::filesystem;

std::vector<std::string> tiny_config_names() { return {"llama", "llama_bias", "qwen2", "qwen3"}; }

ModelConfig tiny_config(const std::string& name) {
  ModelConfig c;
  c.num_layers = 2;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  if (name == "llama" || name == "llama_bias") {
    c.family = ModelFamily::kLlama;
    c.vocab_size = 61;
    c.hidden_size = 48;
    c.num_heads = 6;
    c.num_kv_heads = 2;
    c.intermediate_size = 80;
    c.rope_theta = 10000.0;
    c.rms_norm_eps = 1e-5;
    c.tie_embeddings = false;
    c.rope_scaling.type = RopeScalingType::kLlama3;
    c.rope_scaling.factor = 8.0;
    c.rope_scaling.low_freq_factor = 1.0;
    c.rope_scaling.high_freq_factor = 4.0;
    c.rope_scaling.original_max_seq_len = 64;  // puts the head's 4 frequencies in every band
    if (name == "llama_bias") {
      c.qkv_bias = c.o_bias = c.mlp_bias = true;
      c.tie_embeddings = true;
      c.rope_scaling = RopeScalingConfig{};
      c.eos_token_ids = {2, 3};
    }
  } else if (name == "qwen2") {
    c.family = ModelFamily::kQwen2;
    c.vocab_size = 57;
    c.hidden_size = 32;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    c.intermediate_size = 64;
    c.rope_theta = 1e6;
    c.qkv_bias = true;
    c.tie_embeddings = true;
  } else if (name == "qwen3") {
    c.family = ModelFamily::kQwen3;
    c.vocab_size = 53;
    c.hidden_size = 32;
    c.num_heads = 4;
    c.num_kv_heads = 1;
    c.head_dim = 12;
    c.intermediate_size = 48;
    c.rope_theta = 1e6;
    c.qk_norm = true;
    c.tie_embeddings = false;
  } else {
    throw std::invalid_argument("no tiny config named " + name);
  }
  return c;
}

void randomize(Transformer& model, uint64_t seed) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  torch::autograd::AutoGradMode no_grad(false);
  for (auto& item : model->named_parameters()) {
    at::Tensor value = at::empty(item.value().sizes()).normal_(0.0, 0.15, generator);
    if (absl::EndsWith(item.key(), "norm.weight")) value = 1.0 + value * (0.2 / 0.15);
    item.value().copy_(value);
  }
}

Transformer random_model(const ModelConfig& config, uint64_t seed) {
  Transformer model(config);
  randomize(model, seed);
  return model;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) {
    throw std::invalid_argument("max_abs_diff: the tensors' shapes differ");
  }
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

PaddedBatch pad_batch(const std::vector<std::vector<int64_t>>& sequences,
                      const std::vector<bool>& left_pad) {
  const int64_t n = static_cast<int64_t>(sequences.size());
  int64_t t = 0;
  for (const auto& s : sequences) t = std::max<int64_t>(t, static_cast<int64_t>(s.size()));
  PaddedBatch batch;
  batch.ids = at::zeros({n, t}, at::kLong);
  batch.attention_mask = at::zeros({n, t}, at::kLong);
  batch.position_ids = at::zeros({n, t}, at::kLong);
  for (int64_t i = 0; i < n; ++i) {
    const auto& s = sequences[static_cast<size_t>(i)];
    const int64_t length = static_cast<int64_t>(s.size());
    const int64_t offset = left_pad[static_cast<size_t>(i)] ? t - length : 0;
    batch.offsets.push_back(offset);
    for (int64_t j = 0; j < length; ++j) {
      batch.ids[i][offset + j] = s[static_cast<size_t>(j)];
      batch.attention_mask[i][offset + j] = 1;
      batch.position_ids[i][offset + j] = j;
    }
  }
  return batch;
}

bool bit_identical(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const at::Tensor ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.numel() * ca.element_size()) == 0;
}

std::vector<int64_t> random_ids(int64_t count, int64_t vocab, uint64_t seed) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  const at::Tensor ids = at::randint(vocab, {count}, generator, at::kLong);
  return std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + count);
}

std::string python_with_torch() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("TERSE_PYTHON")) candidates.emplace_back(env);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const std::string& python : candidates) {
    if (run_shell(python + " -c 'import torch' >/dev/null 2>&1") == 0) return python;
  }
  return "";
}

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace terse::testing
