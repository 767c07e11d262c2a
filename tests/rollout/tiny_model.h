// A tiny random-weight model for the rollout tests. Its large init scale makes next-token
// distributions peaked, so greedy decoding is not a coin toss between near-equal logits.
#pragma once

#include "models/hf_checkpoint.h"
#include "tests/catch.h"

namespace terse::testing {

inline Transformer tiny_rollout_model(uint64_t seed, int64_t vocab, DType dtype = DType::kFloat32,
                                      c10::Device device = c10::Device(c10::kCPU),
                                      ComputeDType compute = ComputeDType::kFloat32) {
  ModelConfig config;
  config.vocab_size = vocab;
  config.hidden_size = 32;
  config.num_layers = 2;
  config.num_heads = 4;
  config.num_kv_heads = 2;
  config.intermediate_size = 64;
  config.max_seq_len = 128;
  config.tie_embeddings = false;
  config.init_std = 0.5;
  config.dtype = dtype;
  config.compute_dtype = compute;
  auto model = make_model(config, seed, device);
  REQUIRE(model.ok());
  return *model;
}

}  // namespace terse::testing
