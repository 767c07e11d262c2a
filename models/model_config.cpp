#include "models/model_config.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {
namespace {

const EnumNames<ModelFamily>& family_names() {
  static const EnumNames<ModelFamily> names = {{"llama", ModelFamily::kLlama},
                                               {"qwen2", ModelFamily::kQwen2},
                                               {"qwen3", ModelFamily::kQwen3}};
  return names;
}

absl::Status family_requires(const ModelConfig& c, absl::string_view key, bool actual,
                             bool required) {
  if (actual == required) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "`model.", key, "` = ", actual ? "true" : "false", " does not fit `model.family` = ",
      family_name(c.family), ", whose architecture has it ", required ? "true" : "false",
      ": set it to ", required ? "true" : "false", " or choose another family"));
}

// Llama and Qwen3 config.json files have one `attention_bias` flag for all four projections.
absl::Status one_attention_bias(const ModelConfig& c) {
  if (c.qkv_bias == c.o_bias) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "`model.qkv_bias` = ", c.qkv_bias ? "true" : "false", " and `model.o_bias` = ",
      c.o_bias ? "true" : "false", " must be equal for `model.family` = ", family_name(c.family),
      ", whose config.json has one `attention_bias` flag for all four projections"));
}

}  // namespace

void RopeScalingConfig::visit(ConfigVisitor& v) {
  v.enum_field("type", type,
               {{"none", RopeScalingType::kNone}, {"llama3", RopeScalingType::kLlama3}},
               "none: plain rotary embedding; llama3: the frequency scaling of Llama 3.1 (the "
               "fields below).");
  v.field("factor", factor, "llama3: ratio of the new context length to the original one.",
          Range::at_least(1));
  v.field("low_freq_factor", low_freq_factor,
          "llama3: wavelengths longer than original_max_seq_len / low_freq_factor are divided by "
          "factor.",
          Range::above(0));
  v.field("high_freq_factor", high_freq_factor,
          "llama3: wavelengths shorter than original_max_seq_len / high_freq_factor are kept; "
          "between the two bounds they are interpolated.",
          Range::above(0));
  v.field("original_max_seq_len", original_max_seq_len,
          "llama3: context length the unscaled model was trained with.", Range::at_least(1));
}

void ModelConfig::visit(ConfigVisitor& v) {
  v.field("path", path,
          "Hugging Face model directory (config.json + safetensors); empty builds a new model "
          "from the fields below. A loaded model takes every architecture field from its "
          "config.json; the runtime options (dtype, compute_dtype, value_head, "
          "activation_checkpointing, logprob_chunk) still come from here.");
  v.enum_field("family", family, family_names(),
               "Architecture the model follows and exports as: llama (LlamaForCausalLM), qwen2 "
               "(Qwen2ForCausalLM: q/k/v biases), qwen3 (Qwen3ForCausalLM: q/k RMSNorm).");
  v.field("vocab_size", vocab_size, "Vocabulary size; 0 takes it from the tokenizer.",
          Range::at_least(0));
  v.field("hidden_size", hidden_size, "Width of the residual stream.", Range::at_least(1));
  v.field("num_layers", num_layers, "Number of decoder blocks.", Range::at_least(1));
  v.field("num_heads", num_heads, "Number of attention (query) heads.", Range::at_least(1));
  v.field("num_kv_heads", num_kv_heads,
          "Number of key/value heads; fewer than num_heads is grouped-query attention.",
          Range::at_least(1));
  v.field("head_dim", head_dim, "Width of one attention head; 0 means hidden_size / num_heads.",
          Range::at_least(0));
  v.field("intermediate_size", intermediate_size, "Hidden width of the SwiGLU MLP.",
          Range::at_least(1));
  v.field("max_seq_len", max_seq_len, "Longest sequence (prompt + completion) in tokens.",
          Range::at_least(1));
  v.field("rope_theta", rope_theta, "Base of the rotary position embedding.", Range::above(0));
  v.section("rope_scaling", rope_scaling, "Rotary frequency scaling (Llama 3.1 style).");
  v.field("rms_norm_eps", rms_norm_eps, "Epsilon added to the mean square in every RMSNorm.",
          Range::above(0));
  v.field("qkv_bias", qkv_bias,
          "Biases on the query/key/value projections (qwen2 has them; llama and qwen3 only "
          "together with o_bias).");
  v.field("o_bias", o_bias, "Bias on the attention output projection (never in qwen2).");
  v.field("mlp_bias", mlp_bias, "Biases on the gate/up/down projections (llama only).");
  v.field("qk_norm", qk_norm,
          "RMSNorm over each head of the queries and keys before the rotary embedding (qwen3 "
          "has it, the others not).");
  v.field("tie_embeddings", tie_embeddings,
          "Share the input embedding matrix with the output projection.");
  v.field("bos_token_id", bos_token_id,
          "Beginning-of-sequence token written to config.json; -1 for none.", Range::at_least(-1));
  v.field("eos_token_ids", eos_token_ids,
          "Tokens that end generation, written to config.json and generation_config.json.",
          Range::at_least(0));
  v.field("init_std", init_std, "Standard deviation of a new model's random weight matrices.",
          Range::above(0));
  v.enum_field("dtype", dtype, {{"float32", DType::kFloat32}, {"bfloat16", DType::kBFloat16}},
               "Weights and compute type; log-probs and losses are always float32.");
  v.enum_field("compute_dtype", compute_dtype,
               {{"float32", ComputeDType::kFloat32},
                {"bfloat16", ComputeDType::kBFloat16},
                {"auto", ComputeDType::kAuto}},
               "Matrix products of the transformer blocks with float32 weights: bfloat16 runs them "
               "in bf16 (autocast) while weights, optimizer state, norms, the output projection, "
               "log-probs and losses stay float32; auto picks bfloat16 where the hardware "
               "multiplies bf16 natively (CPUs with avx512_bf16 or AMX, GPUs), float32 elsewhere.");
  v.field("value_head", value_head,
          "Add a value head (one linear layer on the last hidden state) for PPO.");
  v.field("activation_checkpointing", activation_checkpointing,
          "Keep only each block's input during the forward pass and recompute the rest in the "
          "backward pass: less memory, about a third more compute.");
  v.field("logprob_chunk", logprob_chunk,
          "Token log-probabilities are computed this many tokens at a time, so a [chunk, "
          "vocab_size] float tensor is the largest that exists at once.",
          Range::at_least(1));
}

absl::Status ModelConfig::validate() const {
  if (head_dim == 0 && hidden_size % num_heads != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`model.hidden_size` = ", hidden_size,
        " must be a multiple of `model.num_heads` = ", num_heads, " (or set `model.head_dim`)"));
  }
  if (resolved_head_dim() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the head width (`model.head_dim`, or hidden_size / num_heads) is ",
                     resolved_head_dim(), "; the rotary embedding needs an even number"));
  }
  if (num_heads % num_kv_heads != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`model.num_heads` = ", num_heads,
                     " must be a multiple of `model.num_kv_heads` = ", num_kv_heads));
  }
  if (rope_scaling.type == RopeScalingType::kLlama3 &&
      rope_scaling.high_freq_factor <= rope_scaling.low_freq_factor) {
    return absl::InvalidArgumentError(
        absl::StrCat("`model.rope_scaling.high_freq_factor` = ", rope_scaling.high_freq_factor,
                     " must be larger than `model.rope_scaling.low_freq_factor` = ",
                     rope_scaling.low_freq_factor));
  }
  switch (family) {
    case ModelFamily::kLlama:
      TERSE_RETURN_IF_ERROR(family_requires(*this, "qk_norm", qk_norm, false));
      TERSE_RETURN_IF_ERROR(one_attention_bias(*this));
      break;
    case ModelFamily::kQwen2:
      if (head_dim != 0 && head_dim * num_heads != hidden_size) {
        return absl::InvalidArgumentError(
            absl::StrCat("`model.head_dim` = ", head_dim,
                         " must be 0 or hidden_size / num_heads = ", hidden_size / num_heads,
                         " for `model.family` = qwen2, whose config.json has no "
                         "head_dim field"));
      }
      TERSE_RETURN_IF_ERROR(family_requires(*this, "qkv_bias", qkv_bias, true));
      TERSE_RETURN_IF_ERROR(family_requires(*this, "o_bias", o_bias, false));
      TERSE_RETURN_IF_ERROR(family_requires(*this, "mlp_bias", mlp_bias, false));
      TERSE_RETURN_IF_ERROR(family_requires(*this, "qk_norm", qk_norm, false));
      break;
    case ModelFamily::kQwen3:
      TERSE_RETURN_IF_ERROR(family_requires(*this, "qk_norm", qk_norm, true));
      TERSE_RETURN_IF_ERROR(one_attention_bias(*this));
      TERSE_RETURN_IF_ERROR(family_requires(*this, "mlp_bias", mlp_bias, false));
      break;
  }
  return absl::OkStatus();
}

int64_t ModelConfig::resolved_head_dim() const {
  return head_dim > 0 ? head_dim : hidden_size / num_heads;
}

const char* family_name(ModelFamily family) {
  for (const auto& [name, value] : family_names()) {
    if (value == family) return name.c_str();
  }
  return "?";
}

}  // namespace terse
