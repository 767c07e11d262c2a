// Hugging Face config.json <-> ModelConfig, for LlamaForCausalLM, Qwen2ForCausalLM and
// Qwen3ForCausalLM checkpoints. Reading is strict: an architecture, field or value terse does not
// implement is an InvalidArgument error that names it, rather than a silently different model.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "models/model_config.h"

namespace terse {

// Reads the config.json at `path` onto `config`: every architecture field (family, sizes,
// rope, norms, biases, tying, token ids) is replaced; the runtime options (path, dtype,
// value_head, activation_checkpointing, logprob_chunk) are kept. NotFound when the file is
// missing, InvalidArgument (naming the field) when it is malformed or unsupported.
absl::Status apply_hf_config(const std::string& path, ModelConfig* config);

// The config.json text for `config` (validated), with the field names, defaults and dtype
// spelling transformers expects for its family.
std::string hf_config_json(const ModelConfig& config);

// A generation_config.json text with the config's bos and eos tokens.
std::string hf_generation_config_json(const ModelConfig& config);

}  // namespace terse
