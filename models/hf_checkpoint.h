// Hugging Face model directories: load one into a Transformer, export one from it.
//
// A directory holds config.json, generation_config.json, the weights as model.safetensors (or
// shards listed by model.safetensors.index.json) under the transformers names, and tokenizer
// files. A value head, which transformers has no place for, goes to value_head.safetensors
// beside them.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "models/model_config.h"
#include "models/safetensors.h"
#include "models/transformer.h"

namespace terse {

// File of the value head's weights in an exported directory.
inline constexpr const char* kValueHeadFile = "value_head.safetensors";

struct ExportOptions {
  uint64_t max_shard_bytes = 5'000'000'000;  // weights above this are split into shards
  std::string source_dir;  // copy tokenizer files and generation_config.json from here if set
  bool overwrite = false;  // replace a non-empty directory's files instead of failing
};

// Copies every weight of `checkpoint` into `model` (converting dtypes). Before anything is
// copied, every missing, unexpected and mis-shaped weight is listed by name in one
// InvalidArgument error. Ignores what transformers ignores: rotary `inv_freq` buffers, and
// `lm_head.weight` when the embeddings are tied.
absl::Status load_weights(Transformer& model, const SafetensorsCheckpoint& checkpoint);

// The model directory `path` names: itself when it holds a config.json (a Hugging Face directory
// or a checkpoint), else the newest complete checkpoint of a run directory (path/checkpoints).
// NotFound, naming the path, when it is neither.
absl::StatusOr<std::string> resolve_model_dir(const std::string& path);

// Loads the Hugging Face model in `dir` onto `device`: architecture from config.json, runtime
// options (dtype, value head, checkpointing, chunking) from `runtime`, weights from the
// safetensors files, and the value head from value_head.safetensors when the model has one
// (freshly drawn, seed 0, when the directory has none).
absl::StatusOr<Transformer> load_hf_model(const std::string& dir, const ModelConfig& runtime,
                                          at::Device device = at::kCPU);

// The model `config` describes: loaded from config.path when set, otherwise new with weights
// drawn from `seed`. FailedPrecondition when a new model's vocab_size is still 0.
absl::StatusOr<Transformer> make_model(const ModelConfig& config, uint64_t seed,
                                       at::Device device = at::kCPU);

// Writes `model` to `dir` (created if needed) as a Hugging Face directory that terse and
// transformers load: config.json, generation_config.json, safetensors weights in the model's
// dtype ({"format": "pt"} metadata), the value head if any, and the tokenizer files found in
// options.source_dir. FailedPrecondition when `dir` is not empty and overwrite is off.
absl::Status export_hf_model(Transformer& model, const std::string& dir,
                             const ExportOptions& options = {});

}  // namespace terse
