// Hugging Face directories: config.json reading (strict), export -> load round trips, and the
// one error that lists every missing, unexpected and mis-shaped weight.
#include "models/hf_checkpoint.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <torch/torch.h>

#include "models/hf_config.h"
#include "models/safetensors.h"
#include "tests/catch.h"
#include "tests/models/model_test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Real config.json files, as published with the checkpoints.
constexpr char kQwen25Config[] = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
  "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 21,
  "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
  "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
  "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "transformers_version": "4.43.1", "use_cache": true, "use_sliding_window": false,
  "vocab_size": 151936})";

constexpr char kQwen3Config[] = R"({
  "architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
  "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
  "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
  "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
  "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.51.0",
  "use_cache": true, "use_sliding_window": false, "vocab_size": 151936})";

constexpr char kLlama32Config[] = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "head_dim": 64,
  "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02,
  "intermediate_size": 8192, "max_position_embeddings": 131072, "mlp_bias": false,
  "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 16,
  "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256})";

absl::Status apply_text(const testing::TempDir& dir, const std::string& text, ModelConfig* config) {
  const std::string path = dir.file("config.json");
  std::ofstream(path, std::ios::trunc) << text;
  return apply_hf_config(path, config);
}

TEST_CASE("published config.json files of each family are read", "[hf]") {
  testing::TempDir dir;
  ModelConfig config;
  config.dtype = DType::kBFloat16;
  config.value_head = true;

  REQUIRE(apply_text(dir, kQwen25Config, &config).ok());
  CHECK(config.family == ModelFamily::kQwen2);
  CHECK(config.vocab_size == 151936);
  CHECK(config.hidden_size == 896);
  CHECK(config.num_layers == 24);
  CHECK(config.num_heads == 14);
  CHECK(config.num_kv_heads == 2);
  CHECK(config.resolved_head_dim() == 64);
  CHECK(config.intermediate_size == 4864);
  CHECK(config.rope_theta == 1e6);
  CHECK(config.rms_norm_eps == 1e-6);
  CHECK(config.qkv_bias);
  CHECK_FALSE(config.o_bias);
  CHECK_FALSE(config.qk_norm);
  CHECK(config.tie_embeddings);
  CHECK(config.eos_token_ids == std::vector<int64_t>{151645});
  // Runtime options are not the file's business.
  CHECK(config.dtype == DType::kBFloat16);
  CHECK(config.value_head);

  // A head_dim that agrees with hidden_size / num_heads is harmless in a qwen2 config.
  Json with_head_dim = Json::parse(kQwen25Config);
  with_head_dim["head_dim"] = 64;
  CHECK(apply_text(dir, with_head_dim.dump(), &config).ok());

  REQUIRE(apply_text(dir, kQwen3Config, &config).ok());
  CHECK(config.family == ModelFamily::kQwen3);
  CHECK(config.resolved_head_dim() == 128);
  CHECK(config.qk_norm);
  CHECK_FALSE(config.qkv_bias);
  CHECK(config.max_seq_len == 40960);

  REQUIRE(apply_text(dir, kLlama32Config, &config).ok());
  CHECK(config.family == ModelFamily::kLlama);
  CHECK(config.rope_scaling.type == RopeScalingType::kLlama3);
  CHECK(config.rope_scaling.factor == 32.0);
  CHECK(config.rope_scaling.original_max_seq_len == 8192);
  CHECK(config.bos_token_id == 128000);
  CHECK(config.eos_token_ids == std::vector<int64_t>{128001, 128008, 128009});
  CHECK(config.rms_norm_eps == 1e-5);
  CHECK_FALSE(config.qk_norm);
}

TEST_CASE("unsupported config.json content is refused, naming the field", "[hf]") {
  testing::TempDir dir;
  auto with = [](const char* base, const std::string& key, const Json& value) {
    Json json = Json::parse(base);
    if (value.is_discarded()) {
      json.erase(key);
    } else {
      json[key] = value;
    }
    return json.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with(kQwen25Config, "architectures", Json::array({"MistralForCausalLM"})),
       "field `architectures` names \"MistralForCausalLM\""},
      {with(kQwen25Config, "model_type", "mistral"), "field `model_type` = \"mistral\""},
      {with(kQwen25Config, "model_type", "qwen3"), "contradicts architectures Qwen2ForCausalLM"},
      {with(kQwen25Config, "hidden_act", "gelu"), "field `hidden_act` = \"gelu\" is not supported"},
      {with(kQwen25Config, "use_sliding_window", true), "field `use_sliding_window`"},
      {with(kQwen25Config, "attention_dropout", 0.1), "field `attention_dropout`"},
      {with(kQwen25Config, "quantization_config", Json::object({{"bits", 4}})),
       "unsupported field(s) `quantization_config`"},
      {with(kQwen25Config, "attention_bias", true), "unsupported field(s) `attention_bias`"},
      {with(kQwen25Config, "hidden_size", Json(Json::value_t::discarded)),
       "field `hidden_size` is required"},
      {with(kQwen25Config, "num_attention_heads", 0), "field `num_attention_heads` must be"},
      {with(kQwen25Config, "num_key_value_heads", 4), "must be a multiple of `model.num_kv_heads`"},
      {with(kQwen25Config, "head_dim", 128), "must be 0 or hidden_size / num_heads = 64"},
      {with(kLlama32Config, "rope_scaling", Json::object({{"rope_type", "yarn"}, {"factor", 4}})),
       "field `rope_scaling.rope_type` = \"yarn\" is not supported"},
      {with(kLlama32Config, "rope_scaling", Json::object({{"rope_type", "llama3"}})),
       "field `rope_scaling.factor`"},
      {with(kQwen3Config, "layer_types", Json::array({"sliding_attention"})),
       "field `layer_types` contains \"sliding_attention\""},
      {"[1, 2]", "not a JSON object"},
      {"{\"model_type\": ", "not valid JSON"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(expected);
    ModelConfig config;
    const absl::Status status = apply_text(dir, text, &config);
    REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Catch::Contains(expected));
    CHECK_THAT(std::string(status.message()), Catch::Contains(dir.file("config.json")));
  }
  ModelConfig config;
  CHECK(apply_hf_config(dir.file("absent.json"), &config).code() == absl::StatusCode::kNotFound);
}

// The names transformers gives each family's weights for a 2-layer model.
std::set<std::string> hf_weight_names(const ModelConfig& c) {
  std::set<std::string> names = {"model.embed_tokens.weight", "model.norm.weight"};
  if (!c.tie_embeddings) names.insert("lm_head.weight");
  for (int layer = 0; layer < c.num_layers; ++layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    for (const char* n :
         {"input_layernorm.weight", "post_attention_layernorm.weight", "self_attn.q_proj.weight",
          "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
          "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"}) {
      names.insert(p + n);
    }
    if (c.family == ModelFamily::kQwen2 || c.qkv_bias) {
      for (const char* n :
           {"self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias"}) {
        names.insert(p + n);
      }
    }
    if (c.o_bias) names.insert(p + "self_attn.o_proj.bias");
    if (c.mlp_bias) {
      for (const char* n : {"mlp.gate_proj.bias", "mlp.up_proj.bias", "mlp.down_proj.bias"}) {
        names.insert(p + n);
      }
    }
    if (c.family == ModelFamily::kQwen3) {
      names.insert(p + "self_attn.q_norm.weight");
      names.insert(p + "self_attn.k_norm.weight");
    }
  }
  return names;
}

TEST_CASE("export writes what transformers loads, and terse loads it back bit-identically",
          "[hf]") {
  const std::string name = GENERATE(from_range(testing::tiny_config_names()));
  const bool bf16 = GENERATE(false, true);
  INFO("config " << name << (bf16 ? " bf16" : " fp32"));
  ModelConfig config = testing::tiny_config(name);
  config.dtype = bf16 ? DType::kBFloat16 : DType::kFloat32;
  config.value_head = true;
  Transformer model(config);
  testing::randomize(model, 5);

  testing::TempDir source;  // where a tokenizer would come from
  std::ofstream(source.file("tokenizer.json")) << R"({"model": {"type": "BPE"}})";
  std::ofstream(source.file("tokenizer_config.json")) << R"({"eos_token": "</s>"})";
  testing::TempDir dir;
  ExportOptions options;
  options.source_dir = source.path().string();
  options.max_shard_bytes = bf16 ? 8000 : 1 << 30;  // the bf16 exports are sharded
  REQUIRE(export_hf_model(model, dir.path().string(), options).ok());

  CHECK(fs::exists(dir.file(bf16 ? "model.safetensors.index.json" : "model.safetensors")));
  CHECK(testing::read_file(dir.file("tokenizer.json")) == R"({"model": {"type": "BPE"}})");
  CHECK(fs::exists(dir.file("tokenizer_config.json")));
  CHECK(fs::exists(dir.file(kValueHeadFile)));

  // config.json: the fields and spellings of the family's transformers config.
  const Json hf = Json::parse(testing::read_file(dir.file("config.json")));
  const std::map<ModelFamily, std::pair<std::string, std::string>> arch = {
      {ModelFamily::kLlama, {"LlamaForCausalLM", "llama"}},
      {ModelFamily::kQwen2, {"Qwen2ForCausalLM", "qwen2"}},
      {ModelFamily::kQwen3, {"Qwen3ForCausalLM", "qwen3"}}};
  CHECK(hf["architectures"] == Json::array({arch.at(config.family).first}));
  CHECK(hf["model_type"] == arch.at(config.family).second);
  CHECK(hf["hidden_size"] == config.hidden_size);
  CHECK(hf["num_hidden_layers"] == config.num_layers);
  CHECK(hf["num_key_value_heads"] == config.num_kv_heads);
  CHECK(hf["tie_word_embeddings"] == config.tie_embeddings);
  CHECK(hf["torch_dtype"] == (bf16 ? "bfloat16" : "float32"));
  CHECK(hf["hidden_act"] == "silu");
  if (config.family != ModelFamily::kQwen2) {
    CHECK(hf["head_dim"] == config.resolved_head_dim());
    CHECK(hf["attention_bias"] == config.o_bias);
  } else {
    CHECK_FALSE(hf.contains("attention_bias"));
  }
  if (config.rope_scaling.type == RopeScalingType::kLlama3) {
    CHECK(hf["rope_scaling"]["rope_type"] == "llama3");
    CHECK(hf["rope_scaling"]["original_max_position_embeddings"] == 64);
  }
  const Json generation = Json::parse(testing::read_file(dir.file("generation_config.json")));
  CHECK(generation["bos_token_id"] == 1);

  // Weights: exactly the transformers names, in the model's dtype, with "pt" metadata.
  const auto checkpoint = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE(checkpoint.ok());
  const std::set<std::string> names(checkpoint->names().begin(), checkpoint->names().end());
  CHECK(names == hf_weight_names(config));
  for (const std::string& file : checkpoint->files()) {
    const auto shard = SafetensorsFile::open(file);
    REQUIRE(shard.ok());
    CHECK((*shard)->metadata().at("format") == "pt");
    for (const auto& entry : (*shard)->entries()) {
      CHECK(entry.dtype == (bf16 ? SafetensorsDType::kBF16 : SafetensorsDType::kF32));
    }
  }
  if (bf16) CHECK(checkpoint->files().size() > 1);

  // Loaded back: same config, bit-identical parameters (value head included).
  ModelConfig runtime;
  runtime.dtype = config.dtype;
  runtime.value_head = true;
  const auto loaded = load_hf_model(dir.path().string(), runtime);
  REQUIRE(loaded.ok());
  const ModelConfig& back = (*loaded)->config();
  CHECK(back.family == config.family);
  CHECK(back.resolved_head_dim() == config.resolved_head_dim());
  CHECK(back.qkv_bias == config.qkv_bias);
  CHECK(back.o_bias == config.o_bias);
  CHECK(back.mlp_bias == config.mlp_bias);
  CHECK(back.tie_embeddings == config.tie_embeddings);
  CHECK(back.rope_scaling.type == config.rope_scaling.type);
  CHECK(back.rms_norm_eps == config.rms_norm_eps);
  CHECK(back.eos_token_ids == config.eos_token_ids);
  const auto original = model->named_parameters();
  const auto reloaded = (*loaded)->named_parameters();
  REQUIRE(reloaded.size() == original.size());
  for (const auto& item : original) {
    INFO(item.key());
    REQUIRE(reloaded.contains(item.key()));
    CHECK(testing::bit_identical(reloaded[item.key()], item.value()));
  }

  // Exporting again into the same place needs permission.
  const absl::Status again = export_hf_model(model, dir.path().string());
  CHECK(again.code() == absl::StatusCode::kFailedPrecondition);
  options.overwrite = true;
  options.max_shard_bytes = 1 << 30;
  REQUIRE(export_hf_model(model, dir.path().string(), options).ok());
  CHECK_FALSE(fs::exists(dir.file("model.safetensors.index.json")));
  REQUIRE(load_hf_model(dir.path().string(), runtime).ok());
}

TEST_CASE("missing, unexpected and mis-shaped weights are all listed in one error", "[hf]") {
  ModelConfig config = testing::tiny_config("qwen3");
  Transformer model(config);
  testing::TempDir dir;
  REQUIRE(export_hf_model(model, dir.path().string()).ok());

  std::vector<NamedTensor> tensors;
  for (const auto& item : model->named_parameters()) {
    if (item.key() == "model.layers.1.self_attn.k_norm.weight") continue;  // missing
    at::Tensor value = item.value();
    if (item.key() == "model.layers.0.mlp.up_proj.weight") value = at::zeros({3, 3});
    tensors.push_back({item.key(), value});
  }
  tensors.push_back({"model.layers.0.self_attn.q_proj.bias", at::zeros({48})});  // unexpected
  tensors.push_back({"model.layers.0.self_attn.rotary_emb.inv_freq", at::zeros({6})});  // ignored
  REQUIRE(write_safetensors(dir.file("model.safetensors"), tensors).ok());

  const auto loaded = load_hf_model(dir.path().string(), ModelConfig{});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(loaded.status().message());
  CHECK_THAT(message, Catch::Contains("3 problem(s)"));
  CHECK_THAT(message, Catch::Contains("missing: model.layers.1.self_attn.k_norm.weight [12]"));
  CHECK_THAT(message, Catch::Contains("unexpected: model.layers.0.self_attn.q_proj.bias [48]"));
  CHECK_THAT(message, Catch::Contains("mis-shaped: model.layers.0.mlp.up_proj.weight is [3, 3] in "
                                      "the file, the model wants [48, 32]"));
  CHECK_THAT(message, !Catch::Contains("inv_freq"));
  CHECK_THAT(message, Catch::Contains(dir.file("model.safetensors")));
}

TEST_CASE("weights stored as F16 or BF16 load into an fp32 model as their exact values", "[hf]") {
  const ModelConfig config = testing::tiny_config("llama");
  auto made = make_model(config, 4);
  REQUIRE(made.ok());
  for (const at::ScalarType stored : {at::kHalf, at::kBFloat16}) {
    INFO("stored as " << c10::toString(stored));
    testing::TempDir dir;
    REQUIRE(export_hf_model(*made, dir.path().string()).ok());
    // Rewrite the exported file with every tensor in the narrower dtype.
    std::vector<NamedTensor> narrowed;
    {
      auto checkpoint = SafetensorsCheckpoint::open(dir.path().string());
      REQUIRE(checkpoint.ok());
      for (const std::string& name : checkpoint->names()) {
        narrowed.push_back({name, checkpoint->tensor(name).to(stored)});
      }
    }
    REQUIRE(write_safetensors(dir.file("model.safetensors"), narrowed).ok());
    ModelConfig runtime;
    runtime.path = dir.path().string();
    auto loaded = load_hf_model(dir.path().string(), runtime);
    REQUIRE(loaded.ok());
    const auto original = (*made)->named_parameters();
    for (const auto& item : (*loaded)->named_parameters()) {
      INFO(item.key());
      CHECK(item.value().scalar_type() == at::kFloat);
      // Widening F16/BF16 to fp32 is exact, so the loaded weight is the rounded original.
      CHECK(testing::bit_identical(item.value(), original[item.key()].to(stored).to(at::kFloat)));
    }
  }
}

TEST_CASE("make_model builds new models and loads directories", "[hf]") {
  ModelConfig config = testing::tiny_config("qwen2");
  auto a = make_model(config, 1);
  const auto b = make_model(config, 1);
  const auto c = make_model(config, 2);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  const at::Tensor wa = (*a)->named_parameters()["model.layers.0.mlp.up_proj.weight"];
  CHECK(testing::bit_identical(wa, (*b)->named_parameters()["model.layers.0.mlp.up_proj.weight"]));
  CHECK_FALSE(
      testing::bit_identical(wa, (*c)->named_parameters()["model.layers.0.mlp.up_proj.weight"]));
  CHECK(wa.std().item<double>() == Approx(config.init_std).epsilon(0.1));

  // A directory without a value head gives a loaded model with a value head a fresh one.
  testing::TempDir dir;
  REQUIRE(export_hf_model(*a, dir.path().string()).ok());
  CHECK_FALSE(fs::exists(dir.file(kValueHeadFile)));
  ModelConfig runtime;
  runtime.path = dir.path().string();
  runtime.value_head = true;
  const auto loaded = make_model(runtime, 3);
  REQUIRE(loaded.ok());
  CHECK(testing::bit_identical((*loaded)->named_parameters()["model.layers.0.mlp.up_proj.weight"],
                               wa));
  const at::Tensor value_weight = (*loaded)->named_parameters()["value_head.weight"];
  CHECK(value_weight.std().item<double>() == Approx(config.init_std).epsilon(0.5));

  config.vocab_size = 0;
  CHECK(make_model(config, 1).status().code() == absl::StatusCode::kFailedPrecondition);
  config.path = "/nonexistent/model";
  CHECK(make_model(config, 1).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace terse
