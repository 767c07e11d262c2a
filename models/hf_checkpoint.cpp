#include "models/hf_checkpoint.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <torch/csrc/autograd/grad_mode.h>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/checkpoint.h"
#include "core/status.h"
#include "models/hf_config.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kValueHeadPrefix = "value_head.";

// Files a tokenizer or generation setup may consist of, copied verbatim on export.
constexpr const char* kTokenizerFiles[] = {
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
    "chat_template.jinja",
    "generation_config.json",
};

std::string shape_text(at::IntArrayRef shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ", "), "]");
}

bool is_value_head(const std::string& name) { return absl::StartsWith(name, kValueHeadPrefix); }

// Copies `source` tensors onto the parameters named like them: the value head's parameters when
// `value_head`, every other parameter otherwise. Lists every disagreement in one error, before
// copying anything; copy_ converts dtype and device.
absl::Status copy_named(Transformer& model, const std::map<std::string, at::Tensor>& source,
                        bool value_head, const std::string& where) {
  std::vector<std::string> problems;
  std::map<std::string, at::Tensor> params;
  for (auto& item : model->named_parameters()) {
    if (is_value_head(item.key()) == value_head) params[item.key()] = item.value();
  }
  for (const auto& [name, param] : params) {
    const auto it = source.find(name);
    if (it == source.end()) {
      problems.push_back(absl::StrCat("missing: ", name, " ", shape_text(param.sizes())));
    } else if (it->second.sizes() != param.sizes()) {
      problems.push_back(absl::StrCat("mis-shaped: ", name, " is ", shape_text(it->second.sizes()),
                                      " in the file, the model wants ", shape_text(param.sizes())));
    } else if (!at::isFloatingType(it->second.scalar_type())) {
      problems.push_back(absl::StrCat("wrong dtype: ", name, " is ",
                                      c10::toString(it->second.scalar_type()),
                                      " in the file, a weight must be floating point"));
    }
  }
  for (const auto& [name, tensor] : source) {
    if (params.count(name) != 0) continue;
    if (absl::EndsWith(name, ".rotary_emb.inv_freq")) continue;
    if (name == "lm_head.weight" && model->config().tie_embeddings) continue;
    problems.push_back(absl::StrCat("unexpected: ", name, " ", shape_text(tensor.sizes())));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": the weights do not fit the model its config describes (",
                     problems.size(), " problem(s)):\n  ", absl::StrJoin(problems, "\n  ")));
  }
  torch::autograd::AutoGradMode no_grad(false);
  for (auto& [name, param] : params) {
    param.copy_(source.at(name));
  }
  return absl::OkStatus();
}

absl::Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return absl::InternalError(absl::StrCat("writing ", path.string(), " failed"));
  return absl::OkStatus();
}

absl::Status prepare_directory(const std::string& dir, bool overwrite) {
  std::error_code error;
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error)) {
      return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
    }
    if (!fs::is_empty(dir, error) && !overwrite) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir, " is not empty; export into a new directory or allow overwriting"));
    }
    // Weights of an earlier export could be sharded differently: remove them all.
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (absl::EndsWith(name, ".safetensors") || name == kSafetensorsIndexFile) {
        fs::remove(entry.path(), error);
      }
    }
    return absl::OkStatus();
  }
  fs::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status load_weights(Transformer& model, const SafetensorsCheckpoint& checkpoint) {
  std::map<std::string, at::Tensor> tensors;
  for (const std::string& name : checkpoint.names()) tensors[name] = checkpoint.tensor(name);
  const std::vector<std::string> files = checkpoint.files();
  const std::string where = files.size() == 1 ? files[0]
                            : files.empty()   ? std::string("the checkpoint")
                                              : fs::path(files[0]).parent_path().string();
  return copy_named(model, tensors, /*value_head=*/false, where);
}

absl::StatusOr<Transformer> load_hf_model(const std::string& dir, const ModelConfig& runtime,
                                          at::Device device) {
  ModelConfig config = runtime;
  config.path = dir;
  TERSE_RETURN_IF_ERROR(apply_hf_config((fs::path(dir) / "config.json").string(), &config));
  TERSE_ASSIGN_OR_RETURN(SafetensorsCheckpoint checkpoint, SafetensorsCheckpoint::open(dir));
  Transformer model(config, device, WeightInit::kNone);
  TERSE_RETURN_IF_ERROR(load_weights(model, checkpoint));
  const fs::path value_head_path = fs::path(dir) / kValueHeadFile;
  std::error_code error;
  if (config.value_head && !fs::exists(value_head_path, error)) {
    model->init_weights(0, kValueHeadPrefix);
  } else if (config.value_head) {
    TERSE_ASSIGN_OR_RETURN(auto file, SafetensorsFile::open(value_head_path.string()));
    std::map<std::string, at::Tensor> tensors;
    for (const SafetensorsEntry& entry : file->entries()) tensors[entry.name] = file->tensor(entry);
    TERSE_RETURN_IF_ERROR(
        copy_named(model, tensors, /*value_head=*/true, value_head_path.string()));
  }
  return model;
}

absl::StatusOr<Transformer> make_model(const ModelConfig& config, uint64_t seed,
                                       at::Device device) {
  if (!config.path.empty()) return load_hf_model(config.path, config, device);
  TERSE_RETURN_IF_ERROR(config.validate());
  if (config.vocab_size <= 0) {
    return absl::FailedPreconditionError(
        "`model.vocab_size` is 0: set it, or take it from the tokenizer before building the model");
  }
  Transformer model(config, device, WeightInit::kNone);
  model->init_weights(seed);
  return model;
}

absl::Status export_hf_model(Transformer& model, const std::string& dir,
                             const ExportOptions& options) {
  TERSE_RETURN_IF_ERROR(prepare_directory(dir, options.overwrite));
  std::vector<NamedTensor> weights;
  std::vector<NamedTensor> value_head;
  for (const auto& item : model->named_parameters()) {
    (is_value_head(item.key()) ? value_head : weights).push_back({item.key(), item.value()});
  }
  const std::map<std::string, std::string> metadata = {{"format", "pt"}};
  TERSE_RETURN_IF_ERROR(
      write_safetensors_checkpoint(dir, weights, options.max_shard_bytes, metadata));
  if (!value_head.empty()) {
    TERSE_RETURN_IF_ERROR(
        write_safetensors((fs::path(dir) / kValueHeadFile).string(), value_head, metadata));
  }
  TERSE_RETURN_IF_ERROR(write_text(fs::path(dir) / "config.json", hf_config_json(model->config())));
  TERSE_RETURN_IF_ERROR(write_text(fs::path(dir) / "generation_config.json",
                                   hf_generation_config_json(model->config())));
  if (options.source_dir.empty()) return absl::OkStatus();
  std::error_code error;
  if (!fs::is_directory(options.source_dir, error)) {
    return absl::NotFoundError(
        absl::StrCat("tokenizer source ", options.source_dir, " is not a directory"));
  }
  for (const char* name : kTokenizerFiles) {
    const fs::path from = fs::path(options.source_dir) / name;
    if (!fs::exists(from, error) || fs::equivalent(from, fs::path(dir) / name, error)) continue;
    fs::copy_file(from, fs::path(dir) / name, fs::copy_options::overwrite_existing, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("cannot copy ", from.string(), " to ", dir, ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> resolve_model_dir(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(fs::path(path) / "config.json", error)) return path;
  if (fs::is_directory(fs::path(path) / "checkpoints", error)) {
    if (const auto latest = find_latest_checkpoint(fs::path(path) / "checkpoints")) {
      return latest->string();
    }
    return absl::NotFoundError(
        absl::StrCat("run directory `", path, "` has no complete checkpoint in checkpoints/"));
  }
  return absl::NotFoundError(
      absl::StrCat("`", path,
                   "` is neither a model directory (no config.json) nor a run directory (no "
                   "checkpoints/)"));
}

}  // namespace terse
