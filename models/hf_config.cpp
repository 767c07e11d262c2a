#include "models/hf_config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

namespace terse {
namespace {

using Json = nlohmann::json;

struct Architecture {
  const char* class_name;
  const char* model_type;
  ModelFamily family;
};

constexpr Architecture kArchitectures[] = {
    {"LlamaForCausalLM", "llama", ModelFamily::kLlama},
    {"Qwen2ForCausalLM", "qwen2", ModelFamily::kQwen2},
    {"Qwen3ForCausalLM", "qwen3", ModelFamily::kQwen3},
};

// Fields that carry no architecture (bookkeeping, generation defaults, the dtype the file was
// saved in: terse's own `model.dtype` decides) or that are read separately below.
const std::set<std::string>& ignored_fields() {
  static const std::set<std::string> fields = {"_name_or_path",
                                               "transformers_version",
                                               "torch_dtype",
                                               "dtype",
                                               "use_cache",
                                               "pad_token_id",
                                               "return_dict",
                                               "output_hidden_states",
                                               "output_attentions",
                                               "torchscript",
                                               "id2label",
                                               "label2id",
                                               "problem_type",
                                               "tokenizer_class",
                                               "task_specific_params",
                                               "finetuning_task",
                                               "keys_to_ignore_at_inference",
                                               "auto_map",
                                               "pretraining_tp",
                                               "sliding_window",
                                               "max_window_layers",
                                               "_attn_implementation_autoset"};
  return fields;
}

class ConfigReader {
 public:
  ConfigReader(const Json& json, std::string path) : json_(json), path_(std::move(path)) {}

  absl::Status error(absl::string_view field, absl::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": field `", field, "` ", problem));
  }

  bool has(const std::string& field) {
    seen_.insert(field);
    return json_.contains(field) && !json_[field].is_null();
  }

  absl::Status integer(const std::string& field, int64_t* out, bool required, int64_t min = 1) {
    if (!has(field)) {
      return required ? error(field, "is required but missing") : absl::OkStatus();
    }
    const Json& value = json_[field];
    if (!value.is_number_integer() || value.get<int64_t>() < min) {
      return error(field, absl::StrCat("must be an integer >= ", min, ", got ", value.dump()));
    }
    *out = value.get<int64_t>();
    return absl::OkStatus();
  }

  absl::Status number(const std::string& field, double* out) {
    if (!has(field)) return absl::OkStatus();
    const Json& value = json_[field];
    if (!value.is_number() || value.get<double>() <= 0) {
      return error(field, absl::StrCat("must be a positive number, got ", value.dump()));
    }
    *out = value.get<double>();
    return absl::OkStatus();
  }

  absl::Status boolean(const std::string& field, bool* out) {
    if (!has(field)) return absl::OkStatus();
    if (!json_[field].is_boolean()) {
      return error(field, absl::StrCat("must be true or false, got ", json_[field].dump()));
    }
    *out = json_[field].get<bool>();
    return absl::OkStatus();
  }

  // A field whose only supported value is `supported` (absent is fine).
  absl::Status require_value(const std::string& field, const Json& supported,
                             absl::string_view why) {
    if (!has(field) || json_[field] == supported) return absl::OkStatus();
    return error(field, absl::StrCat("= ", json_[field].dump(), " is not supported (", why,
                                     "); terse implements only ", supported.dump()));
  }

  // Fields neither read nor ignored.
  std::vector<std::string> unknown_fields() const {
    std::vector<std::string> unknown;
    for (const auto& item : json_.items()) {
      if (seen_.count(item.key()) == 0 && ignored_fields().count(item.key()) == 0) {
        unknown.push_back(item.key());
      }
    }
    return unknown;
  }

  const Json& operator[](const std::string& field) const { return json_[field]; }
  const std::string& path() const { return path_; }

 private:
  const Json& json_;
  std::string path_;
  std::set<std::string> seen_;
};

absl::StatusOr<const Architecture*> read_architecture(ConfigReader& r) {
  const Architecture* by_class = nullptr;
  if (r.has("architectures")) {
    const Json& list = r["architectures"];
    if (!list.is_array() || list.size() != 1 || !list[0].is_string()) {
      return r.error("architectures",
                     absl::StrCat("must list one architecture, got ", list.dump()));
    }
    for (const Architecture& a : kArchitectures) {
      if (list[0].get<std::string>() == a.class_name) by_class = &a;
    }
    if (by_class == nullptr) {
      return r.error("architectures",
                     absl::StrCat("names ", list[0].dump(),
                                  ", which terse does not implement (it runs LlamaForCausalLM, "
                                  "Qwen2ForCausalLM and Qwen3ForCausalLM)"));
    }
  }
  if (!r.has("model_type") || !r["model_type"].is_string()) {
    return r.error("model_type", "is required: one of \"llama\", \"qwen2\", \"qwen3\"");
  }
  const std::string model_type = r["model_type"].get<std::string>();
  for (const Architecture& a : kArchitectures) {
    if (model_type != a.model_type) continue;
    if (by_class != nullptr && by_class != &a) {
      return r.error("model_type", absl::StrCat("= \"", model_type, "\" contradicts architectures ",
                                                by_class->class_name));
    }
    return &a;
  }
  return r.error(
      "model_type",
      absl::StrCat("= \"", model_type, "\" is not one terse implements (llama, qwen2, qwen3)"));
}

absl::Status read_rope_scaling(ConfigReader& r, ModelConfig* config) {
  config->rope_scaling = RopeScalingConfig{};
  if (!r.has("rope_scaling")) return absl::OkStatus();
  const Json& scaling = r["rope_scaling"];
  if (!scaling.is_object()) return r.error("rope_scaling", "must be null or an object");
  std::string type = "default";
  for (const char* key : {"rope_type", "type"}) {
    if (scaling.contains(key) && scaling[key].is_string()) type = scaling[key].get<std::string>();
  }
  if (type == "default") return absl::OkStatus();
  if (type != "llama3") {
    return r.error(
        "rope_scaling.rope_type",
        absl::StrCat("= \"", type,
                     "\" is not supported; terse implements \"default\" and \"llama3\""));
  }
  RopeScalingConfig& s = config->rope_scaling;
  s.type = RopeScalingType::kLlama3;
  const std::pair<const char*, double*> numbers[] = {{"factor", &s.factor},
                                                     {"low_freq_factor", &s.low_freq_factor},
                                                     {"high_freq_factor", &s.high_freq_factor}};
  for (const auto& [key, out] : numbers) {
    if (!scaling.contains(key) || !scaling[key].is_number() || scaling[key].get<double>() <= 0) {
      return r.error(absl::StrCat("rope_scaling.", key), "must be a positive number for llama3");
    }
    *out = scaling[key].get<double>();
  }
  const char* original = "original_max_position_embeddings";
  if (!scaling.contains(original) || !scaling[original].is_number_integer() ||
      scaling[original].get<int64_t>() < 1) {
    return r.error(absl::StrCat("rope_scaling.", original),
                   "must be a positive integer for llama3");
  }
  s.original_max_seq_len = scaling[original].get<int64_t>();
  for (const auto& item : scaling.items()) {
    static const std::set<std::string> known = {
        "rope_type", "type", "factor", "low_freq_factor", "high_freq_factor", original};
    if (known.count(item.key()) == 0) {
      return r.error(absl::StrCat("rope_scaling.", item.key()), "is not supported");
    }
  }
  return absl::OkStatus();
}

absl::Status read_token_ids(ConfigReader& r, ModelConfig* config) {
  config->bos_token_id = -1;
  TERSE_RETURN_IF_ERROR(r.integer("bos_token_id", &config->bos_token_id, false, 0));
  config->eos_token_ids.clear();
  if (!r.has("eos_token_id")) return absl::OkStatus();
  const Json& eos = r["eos_token_id"];
  const Json list = eos.is_array() ? eos : Json::array({eos});
  for (const Json& id : list) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) {
      return r.error("eos_token_id",
                     absl::StrCat("must be a token id or a list of them, got ", eos.dump()));
    }
    config->eos_token_ids.push_back(id.get<int64_t>());
  }
  return absl::OkStatus();
}

absl::Status read_fields(ConfigReader& r, ModelConfig* c) {
  TERSE_ASSIGN_OR_RETURN(const Architecture* arch, read_architecture(r));
  c->family = arch->family;
  const bool qwen2 = arch->family == ModelFamily::kQwen2;
  const bool qwen3 = arch->family == ModelFamily::kQwen3;
  TERSE_RETURN_IF_ERROR(r.integer("vocab_size", &c->vocab_size, true));
  TERSE_RETURN_IF_ERROR(r.integer("hidden_size", &c->hidden_size, true));
  TERSE_RETURN_IF_ERROR(r.integer("intermediate_size", &c->intermediate_size, true));
  TERSE_RETURN_IF_ERROR(r.integer("num_hidden_layers", &c->num_layers, true));
  TERSE_RETURN_IF_ERROR(r.integer("num_attention_heads", &c->num_heads, true));
  c->num_kv_heads = c->num_heads;
  TERSE_RETURN_IF_ERROR(r.integer("num_key_value_heads", &c->num_kv_heads, false));
  // transformers' defaults where the file is silent.
  c->head_dim = qwen3 ? 128 : 0;
  TERSE_RETURN_IF_ERROR(r.integer("head_dim", &c->head_dim, false));
  c->max_seq_len = arch->family == ModelFamily::kLlama ? 2048 : 32768;
  TERSE_RETURN_IF_ERROR(r.integer("max_position_embeddings", &c->max_seq_len, false));
  c->rope_theta = 10000.0;
  TERSE_RETURN_IF_ERROR(r.number("rope_theta", &c->rope_theta));
  TERSE_RETURN_IF_ERROR(read_rope_scaling(r, c));
  c->rms_norm_eps = 1e-6;
  TERSE_RETURN_IF_ERROR(r.number("rms_norm_eps", &c->rms_norm_eps));
  c->tie_embeddings = false;
  TERSE_RETURN_IF_ERROR(r.boolean("tie_word_embeddings", &c->tie_embeddings));
  bool attention_bias = false;
  if (!qwen2) TERSE_RETURN_IF_ERROR(r.boolean("attention_bias", &attention_bias));
  c->qkv_bias = qwen2 || attention_bias;
  c->o_bias = attention_bias;
  c->mlp_bias = false;
  if (arch->family == ModelFamily::kLlama)
    TERSE_RETURN_IF_ERROR(r.boolean("mlp_bias", &c->mlp_bias));
  c->qk_norm = qwen3;
  TERSE_RETURN_IF_ERROR(read_token_ids(r, c));
  if (r.has("initializer_range"))
    TERSE_RETURN_IF_ERROR(r.number("initializer_range", &c->init_std));

  TERSE_RETURN_IF_ERROR(r.require_value("hidden_act", "silu", "the MLP is SwiGLU"));
  TERSE_RETURN_IF_ERROR(r.require_value("attention_dropout", 0.0, "terse has no dropout"));
  TERSE_RETURN_IF_ERROR(r.require_value("use_sliding_window", false, "all layers attend fully"));
  TERSE_RETURN_IF_ERROR(r.require_value("use_mrope", false, "positions are one-dimensional"));
  if (r.has("layer_types")) {
    for (const Json& type : r["layer_types"]) {
      if (type != "full_attention") {
        return r.error("layer_types", absl::StrCat("contains ", type.dump(),
                                                   "; terse implements only \"full_attention\""));
      }
    }
  }
  const std::vector<std::string> unknown = r.unknown_fields();
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(r.path(), ": unsupported field(s) `", absl::StrJoin(unknown, "`, `"),
                     "`: terse's ", arch->class_name,
                     " does not implement them. Remove a field only if it does not change "
                     "the model."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status apply_hf_config(const std::string& path, ModelConfig* config) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, "; a Hugging Face model directory needs a config.json"));
  }
  Json json;
  try {
    json = Json::parse(in);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON (", e.what(), ")"));
  }
  if (!json.is_object())
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a JSON object"));
  ModelConfig read = *config;
  ConfigReader reader(json, path);
  TERSE_RETURN_IF_ERROR(read_fields(reader, &read));
  const absl::Status valid = read.validate();
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", valid.message()));
  }
  *config = std::move(read);
  return absl::OkStatus();
}

std::string hf_config_json(const ModelConfig& c) {
  const Architecture* arch = nullptr;
  for (const Architecture& a : kArchitectures) {
    if (a.family == c.family) arch = &a;
  }
  Json json = {
      {"architectures", {arch->class_name}},
      {"model_type", arch->model_type},
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"intermediate_size", c.intermediate_size},
      {"num_hidden_layers", c.num_layers},
      {"num_attention_heads", c.num_heads},
      {"num_key_value_heads", c.num_kv_heads},
      {"hidden_act", "silu"},
      {"max_position_embeddings", c.max_seq_len},
      {"rms_norm_eps", c.rms_norm_eps},
      {"rope_theta", c.rope_theta},
      {"rope_scaling", nullptr},
      {"tie_word_embeddings", c.tie_embeddings},
      {"attention_dropout", 0.0},
      {"initializer_range", c.init_std},
      {"torch_dtype", c.dtype == DType::kBFloat16 ? "bfloat16" : "float32"},
      {"use_cache", true},
      {"bos_token_id", c.bos_token_id >= 0 ? Json(c.bos_token_id) : Json(nullptr)},
  };
  if (c.eos_token_ids.size() == 1) {
    json["eos_token_id"] = c.eos_token_ids[0];
  } else if (!c.eos_token_ids.empty()) {
    json["eos_token_id"] = c.eos_token_ids;
  } else {
    json["eos_token_id"] = nullptr;
  }
  if (c.rope_scaling.type == RopeScalingType::kLlama3) {
    json["rope_scaling"] = {
        {"rope_type", "llama3"},
        {"factor", c.rope_scaling.factor},
        {"low_freq_factor", c.rope_scaling.low_freq_factor},
        {"high_freq_factor", c.rope_scaling.high_freq_factor},
        {"original_max_position_embeddings", c.rope_scaling.original_max_seq_len}};
  }
  switch (c.family) {
    case ModelFamily::kLlama:
      json["attention_bias"] = c.o_bias;
      json["mlp_bias"] = c.mlp_bias;
      json["head_dim"] = c.resolved_head_dim();
      json["pretraining_tp"] = 1;
      break;
    case ModelFamily::kQwen2:
      json["use_sliding_window"] = false;
      json["sliding_window"] = nullptr;
      json["max_window_layers"] = c.num_layers;
      break;
    case ModelFamily::kQwen3:
      json["attention_bias"] = c.o_bias;
      json["head_dim"] = c.resolved_head_dim();
      json["use_sliding_window"] = false;
      json["sliding_window"] = nullptr;
      json["max_window_layers"] = c.num_layers;
      break;
  }
  return json.dump(2) + "\n";
}

std::string hf_generation_config_json(const ModelConfig& c) {
  Json json = Json::object();
  if (c.bos_token_id >= 0) json["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_ids.size() == 1) json["eos_token_id"] = c.eos_token_ids[0];
  if (c.eos_token_ids.size() > 1) json["eos_token_id"] = c.eos_token_ids;
  return json.dump(2) + "\n";
}

}  // namespace terse
