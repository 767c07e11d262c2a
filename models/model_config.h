// The network's shape: a decoder-only transformer of the Llama / Qwen family. A model is either
// loaded from a Hugging Face directory (`path`), whose config.json then wins, or built from the
// fields below (the tiny models of the built-in demo).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "core/config_visitor.h"

namespace terse {

enum class DType { kFloat32, kBFloat16 };

struct ModelConfig {
  std::string path;           // Hugging Face model directory; empty: build from the fields below
  int64_t vocab_size = 0;     // 0: take it from the tokenizer
  int64_t hidden_size = 256;  // width of the residual stream
  int64_t num_layers = 4;     // decoder blocks
  int64_t num_heads = 4;      // query heads
  int64_t num_kv_heads = 4;   // key/value heads (grouped-query attention when fewer)
  int64_t intermediate_size = 704;  // SwiGLU hidden width
  int64_t max_seq_len = 512;        // longest prompt + completion
  double rope_theta = 10000.0;      // rotary embedding base
  bool tie_embeddings = true;       // share the input embedding and the output projection
  DType dtype = DType::kFloat32;    // weights and compute

  void visit(ConfigVisitor& v);
  absl::Status validate() const;
};

}  // namespace terse
