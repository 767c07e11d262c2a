// Helpers shared by the model tests: tiny configs of each family, randomised weights and the Python
// reference.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

#include "models/model_config.h"
#include "models/transformer.h"
#include "tests/test_util.h"  // TempDir

namespace terse::testing {

// Tiny configs, each exercising its family's features: "llama" (GQA, untied, llama3 rope
// scaling), "llama_bias" (attention and MLP biases, tied), "qwen2" (q/k/v biases, tied, GQA),
// "qwen3" (q/k norm, head_dim != hidden/heads, one kv head, untied).
ModelConfig tiny_config(const std::string& name);
std::vector<std::string> tiny_config_names();

// Draws every parameter from `seed`: matrices and biases ~ N(0, 0.15²), norm weights ~ 1 +
// N(0, 0.2²), so that every weight visibly changes the output.
void randomize(Transformer& model, uint64_t seed);

// A model of `config` with randomize(seed)'s weights.
Transformer random_model(const ModelConfig& config, uint64_t seed);

// The largest |a - b| in double precision; throws std::invalid_argument when shapes differ.
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);

// A padded batch: each sequence's ids laid out left- or right-padded (pad id 0) in [N, T_max],
// with attention_mask and position_ids (0.. for real tokens, 0 for padding).
struct PaddedBatch {
  at::Tensor ids;                // [N, T] int64
  at::Tensor attention_mask;     // [N, T] int64
  at::Tensor position_ids;       // [N, T] int64
  std::vector<int64_t> offsets;  // column of each sequence's first token
};
PaddedBatch pad_batch(const std::vector<std::vector<int64_t>>& sequences,
                      const std::vector<bool>& left_pad);

// Same dtype, shape and bytes.
bool bit_identical(const at::Tensor& a, const at::Tensor& b);

// Random token ids in [0, vocab).
std::vector<int64_t> random_ids(int64_t count, int64_t vocab, uint64_t seed);

// A python3 that imports torch (TERSE_PYTHON, python3, /usr/bin/python3 in that order), or "".
std::string python_with_torch();

// Runs `command` through the shell; returns its exit code.
int run_shell(const std::string& command);

}  // namespace terse::testing
