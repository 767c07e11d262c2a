#include "models/transformer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <string>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/container/modulelist.h>

#include "absl/strings/match.h"
#include "models/activation_checkpoint.h"
#include "models/mixed_precision.h"

namespace terse {
namespace {

void check_batch(const at::Tensor& ids, const at::Tensor& attention_mask,
                 const at::Tensor& position_ids) {
  TORCH_CHECK(ids.dim() == 2, "ids must be [N, T], got ", ids.sizes());
  TORCH_CHECK(ids.scalar_type() == at::kLong && position_ids.scalar_type() == at::kLong,
              "ids and position_ids must be int64, got ", ids.scalar_type(), " and ",
              position_ids.scalar_type());
  TORCH_CHECK(attention_mask.sizes() == ids.sizes() && position_ids.sizes() == ids.sizes(), "ids ",
              ids.sizes(), ", attention_mask ", attention_mask.sizes(), " and position_ids ",
              position_ids.sizes(), " must have the same [N, T] shape");
}

// log p(targets | h) for one chunk: h [C, H], weight [V, H], targets [C] -> [C] float32.
at::Tensor chunk_logprobs(const at::Tensor& h, const at::Tensor& weight,
                          const at::Tensor& targets) {
  const at::Tensor logits = at::linear(h, weight).to(at::kFloat);  // [C, V]
  return logits.gather(1, targets.unsqueeze(1)).squeeze(1) - logits.logsumexp(1);
}

}  // namespace

TransformerImpl::TransformerImpl(const ModelConfig& config, at::Device device, WeightInit init)
    : config_(config), bf16_autocast_(uses_bf16_autocast(config, device)) {
  const absl::Status valid = config.validate();
  TORCH_CHECK(valid.ok(), "invalid model config: ", valid.message());
  TORCH_CHECK(config.vocab_size > 0, "model.vocab_size must be set (got ", config.vocab_size, ")");
  const at::TensorOptions options = at::TensorOptions(device).dtype(
      config.dtype == DType::kBFloat16 ? at::kBFloat16 : at::kFloat);
  const int64_t hidden = config.hidden_size;
  inverse_frequencies_ = rope_inverse_frequencies(config);
  auto backbone = register_module("model", std::make_shared<torch::nn::Module>());
  embed_tokens_ =
      backbone->register_module("embed_tokens", std::make_shared<torch::nn::Module>())
          ->register_parameter("weight", at::zeros({config.vocab_size, hidden}, options));
  auto layers = backbone->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.num_layers; ++i) {
    layers_.push_back(DecoderLayer(config, options));
    layers->push_back(layers_.back());
  }
  norm_ = backbone->register_module("norm", RmsNorm(hidden, config.rms_norm_eps, options));
  if (!config.tie_embeddings) {
    lm_head_ = register_module("lm_head", Linear(hidden, config.vocab_size, false, options));
  }
  if (config.value_head) {
    value_head_ = register_module("value_head", Linear(hidden, 1, true, options));
  }
  if (init == WeightInit::kRandom) init_weights(0);
}

at::Device TransformerImpl::device() const { return embed_tokens_.device(); }

void TransformerImpl::init_weights(uint64_t seed, absl::string_view prefix) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  torch::autograd::AutoGradMode no_grad(false);
  for (auto& item : named_parameters()) {
    if (!absl::StartsWith(item.key(), prefix)) continue;
    at::Tensor& param = item.value();
    at::Tensor value;
    if (absl::EndsWith(item.key(), "norm.weight")) {
      value = at::ones(param.sizes());
    } else if (absl::EndsWith(item.key(), ".bias")) {
      value = at::zeros(param.sizes());
    } else {
      value = at::empty(param.sizes()).normal_(0.0, config_.init_std, generator);
    }
    param.copy_(value);
  }
}

at::Tensor TransformerImpl::forward(const at::Tensor& ids, const at::Tensor& attention_mask,
                                    const at::Tensor& position_ids) {
  check_batch(ids, attention_mask, position_ids);
  const int64_t t = ids.size(1);
  const at::Tensor real = attention_mask.to(ids.device()).ne(0);      // [N, T]
  const at::Tensor causal = at::ones({t, t}, real.options()).tril();  // [T, T]
  AttentionContext context;
  context.allowed = causal.unsqueeze(0).logical_and(real.unsqueeze(1));  // [N, T, T]
  context.rope = rope_tables(inverse_frequencies_, position_ids, embed_tokens_.scalar_type());
  const bool checkpoint =
      config_.activation_checkpointing && torch::autograd::GradMode::is_enabled();
  return run_layers(at::embedding(embed_tokens_, ids), context, checkpoint);
}

at::Tensor TransformerImpl::forward_cached(const at::Tensor& ids, const at::Tensor& attention_mask,
                                           const at::Tensor& position_ids, KvCache& cache) {
  check_batch(ids, attention_mask, position_ids);
  TORCH_CHECK(cache.num_layers() == config_.num_layers && cache.batch() == ids.size(0),
              "forward_cached: cache of ", cache.num_layers(), " layers x ", cache.batch(),
              " sequences for a model of ", config_.num_layers, " layers and a batch of ",
              ids.size(0));
  const KvAppend plan = cache.plan_append(attention_mask);
  AttentionContext context;
  context.allowed = plan.allowed;
  context.rope = rope_tables(inverse_frequencies_, position_ids, embed_tokens_.scalar_type());
  context.cache = &cache;
  context.plan = &plan;
  at::Tensor hidden = run_layers(at::embedding(embed_tokens_, ids), context, /*checkpoint=*/false);
  cache.commit(plan);
  return hidden;
}

at::Tensor TransformerImpl::run_layers(at::Tensor hidden, const AttentionContext& context,
                                       bool checkpoint) {
  // The blocks only: the output projection and log-probs stay float32. A checkpointed block
  // recomputes in the backward pass, outside this scope, so its function sets autocast itself.
  const c10::Device device = embed_tokens_.device();
  const bool autocast = bf16_autocast_;
  AutocastGuard guard(device, autocast);
  for (size_t i = 0; i < layers_.size(); ++i) {
    AttentionContext layer_context = context;
    layer_context.layer = static_cast<int64_t>(i);
    if (!checkpoint) {
      hidden = layers_[i](hidden, layer_context);
      continue;
    }
    std::vector<at::Tensor> inputs = {hidden};
    for (const at::Tensor& p : layers_[i]->parameters()) inputs.push_back(p);
    DecoderLayer layer = layers_[i];
    hidden = checkpointed(
        [layer, layer_context, device, autocast](const std::vector<at::Tensor>& in) mutable {
          AutocastGuard recompute_guard(device, autocast);
          return layer(in[0], layer_context);
        },
        inputs);
  }
  return norm_(hidden);
}

KvCache TransformerImpl::new_cache(int64_t batch, int64_t capacity) const {
  // Under bf16 autocast every product that reads the cache (attention's scores and its sum over
  // values) casts it to bf16 first, so a bf16 cache holds exactly what they see, in half the
  // memory, and spares them a cast of the whole cache at every decoding step.
  const at::TensorOptions options = embed_tokens_.options();
  return KvCache(config_.num_layers, batch, config_.num_kv_heads, capacity,
                 config_.resolved_head_dim(),
                 bf16_autocast_ ? options.dtype(at::kBFloat16) : options);
}

const at::Tensor& TransformerImpl::output_weight() const {
  return lm_head_ ? lm_head_->weight : embed_tokens_;
}

at::Tensor TransformerImpl::logits(const at::Tensor& hidden) {
  return at::linear(hidden, output_weight()).to(at::kFloat);
}

at::Tensor TransformerImpl::token_logprobs(const at::Tensor& hidden, const at::Tensor& targets) {
  TORCH_CHECK(hidden.dim() == 3 && targets.dim() == 2 && hidden.size(0) == targets.size(0) &&
                  hidden.size(1) == targets.size(1) && hidden.size(2) == config_.hidden_size,
              "token_logprobs: hidden ", hidden.sizes(), " and targets ", targets.sizes(),
              " must be [N, T, H=", config_.hidden_size, "] and [N, T]");
  TORCH_CHECK(targets.scalar_type() == at::kLong, "token_logprobs: targets must be int64, got ",
              targets.scalar_type());
  const at::Tensor flat_hidden = hidden.reshape({-1, hidden.size(2)});
  const at::Tensor flat_targets = targets.reshape({-1}).to(hidden.device());
  const at::Tensor& weight = output_weight();
  const int64_t rows = flat_hidden.size(0);
  std::vector<at::Tensor> pieces;
  for (int64_t start = 0; start < rows; start += config_.logprob_chunk) {
    const int64_t length = std::min(config_.logprob_chunk, rows - start);
    const at::Tensor chunk_targets = flat_targets.narrow(0, start, length);
    pieces.push_back(checkpointed(
        [chunk_targets](const std::vector<at::Tensor>& in) {
          return chunk_logprobs(in[0], in[1], chunk_targets);
        },
        {flat_hidden.narrow(0, start, length), weight}));
  }
  if (pieces.empty()) return at::zeros(targets.sizes(), hidden.options().dtype(at::kFloat));
  return at::cat(pieces).view(targets.sizes());
}

at::Tensor TransformerImpl::values(const at::Tensor& hidden) {
  TORCH_CHECK(value_head_, "values: the model has no value head (set model.value_head: true)");
  TORCH_CHECK(hidden.dim() == 3 && hidden.size(2) == config_.hidden_size, "values: hidden ",
              hidden.sizes(), " must be [N, T, H=", config_.hidden_size, "]");
  return value_head_(hidden).squeeze(-1).to(at::kFloat);
}

}  // namespace terse
