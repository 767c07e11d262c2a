#include "models/model_config.h"

#include "absl/strings/str_cat.h"

namespace terse {

void ModelConfig::visit(ConfigVisitor& v) {
  v.field("path", path,
          "Hugging Face model directory (config.json + safetensors); empty builds a new model "
          "from the fields below.");
  v.field("vocab_size", vocab_size, "Vocabulary size; 0 takes it from the tokenizer.",
          Range::at_least(0));
  v.field("hidden_size", hidden_size, "Width of the residual stream.", Range::at_least(1));
  v.field("num_layers", num_layers, "Number of decoder blocks.", Range::at_least(1));
  v.field("num_heads", num_heads, "Number of attention (query) heads.", Range::at_least(1));
  v.field("num_kv_heads", num_kv_heads,
          "Number of key/value heads; fewer than num_heads is grouped-query attention.",
          Range::at_least(1));
  v.field("intermediate_size", intermediate_size, "Hidden width of the SwiGLU MLP.",
          Range::at_least(1));
  v.field("max_seq_len", max_seq_len, "Longest sequence (prompt + completion) in tokens.",
          Range::at_least(1));
  v.field("rope_theta", rope_theta, "Base of the rotary position embedding.", Range::above(0));
  v.field("tie_embeddings", tie_embeddings,
          "Share the input embedding matrix with the output projection.");
  v.enum_field("dtype", dtype, {{"float32", DType::kFloat32}, {"bfloat16", DType::kBFloat16}},
               "Weights and compute type; log-probs and losses are always float32.");
}

absl::Status ModelConfig::validate() const {
  if (hidden_size % num_heads != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`model.hidden_size` = ", hidden_size,
                     " must be a multiple of `model.num_heads` = ", num_heads));
  }
  if (num_heads % num_kv_heads != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`model.num_heads` = ", num_heads,
                     " must be a multiple of `model.num_kv_heads` = ", num_kv_heads));
  }
  return absl::OkStatus();
}

}  // namespace terse
