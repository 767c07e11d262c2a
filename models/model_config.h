// The network's shape: a decoder-only transformer of the Llama / Qwen2 / Qwen3 family. A model
// is either loaded from a Hugging Face directory (`path`), whose config.json then sets every
// architecture field (see models/hf_config.h), or built from the fields below (the tiny models of
// the built-in demo). The runtime options at the end (dtype, compute dtype, value head,
// activation checkpointing, log-prob chunking) apply to both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/config_visitor.h"

namespace terse {

enum class DType { kFloat32, kBFloat16 };

// The arithmetic of the transformer blocks' matrix products (models/mixed_precision.h).
enum class ComputeDType {
  kFloat32,   // as the weights
  kBFloat16,  // bf16 autocast over float32 weights
  kAuto,      // bf16 where the hardware has it (a CPU with avx512_bf16 or AMX, a GPU), else float32
};

// Which Hugging Face architecture the weights and config.json follow on export.
enum class ModelFamily { kLlama, kQwen2, kQwen3 };

enum class RopeScalingType { kNone, kLlama3 };

// Rotary-embedding frequency scaling (Hugging Face `rope_scaling`).
struct RopeScalingConfig {
  RopeScalingType type = RopeScalingType::kNone;  // none: plain RoPE; llama3: Llama 3.1 scaling
  double factor = 8.0;                            // llama3: how much longer the context got
  double low_freq_factor = 1.0;   // llama3: wavelengths above original/low are divided by factor
  double high_freq_factor = 4.0;  // llama3: wavelengths below original/high are kept
  int64_t original_max_seq_len = 8192;  // llama3: context length of the unscaled model

  void visit(ConfigVisitor& v);
};

struct ModelConfig {
  std::string path;  // Hugging Face model directory; empty: build from the fields below
  ModelFamily family = ModelFamily::kLlama;  // architecture named in the exported config.json
  int64_t vocab_size = 0;                    // 0: take it from the tokenizer
  int64_t hidden_size = 256;                 // width of the residual stream
  int64_t num_layers = 4;                    // decoder blocks
  int64_t num_heads = 4;                     // query heads
  int64_t num_kv_heads = 4;                  // key/value heads (grouped-query attention when fewer)
  int64_t head_dim = 0;                      // per-head width; 0: hidden_size / num_heads
  int64_t intermediate_size = 704;           // SwiGLU hidden width
  int64_t max_seq_len = 512;                 // longest prompt + completion
  double rope_theta = 10000.0;               // rotary embedding base
  RopeScalingConfig rope_scaling;            // rotary frequency scaling
  double rms_norm_eps = 1e-6;                // epsilon inside every RMSNorm
  bool qkv_bias = false;                     // biases on the q/k/v projections (qwen2: always)
  bool o_bias = false;                       // bias on the attention output projection
  bool mlp_bias = false;                     // biases on the MLP projections (llama only)
  bool qk_norm = false;                // per-head RMSNorm of q and k before RoPE (qwen3: always)
  bool tie_embeddings = true;          // share the input embedding and the output projection
  int64_t bos_token_id = -1;           // written to config.json; -1: none
  std::vector<int64_t> eos_token_ids;  // written to config.json; end generation
  double init_std = 0.02;              // std of the normal init of a new model's matrices

  // Runtime options, for loaded and new models alike.
  DType dtype = DType::kFloat32;                        // weights (and compute)
  ComputeDType compute_dtype = ComputeDType::kFloat32;  // block products of float32 weights
  bool value_head = false;                              // add a linear value head (PPO critic)
  bool activation_checkpointing = false;  // recompute each block's activations in backward
  int64_t logprob_chunk = 1024;           // tokens whose [chunk, V] logits exist at once

  void visit(ConfigVisitor& v);
  absl::Status validate() const;

  // head_dim, or hidden_size / num_heads when head_dim is 0.
  int64_t resolved_head_dim() const;
};

// The config spelling of `family`: "llama", "qwen2" or "qwen3".
const char* family_name(ModelFamily family);

}  // namespace terse
