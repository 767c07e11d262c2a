#include "models/kv_cache.h"

#include <algorithm>

namespace terse {

KvCache::KvCache(int64_t num_layers, int64_t batch, int64_t kv_heads, int64_t capacity,
                 int64_t head_dim, at::TensorOptions options)
    : lengths_(static_cast<size_t>(batch), 0) {
  TORCH_CHECK(num_layers > 0 && batch >= 0 && kv_heads > 0 && capacity > 0 && head_dim > 0,
              "KvCache: invalid sizes layers=", num_layers, " batch=", batch,
              " kv_heads=", kv_heads, " capacity=", capacity, " head_dim=", head_dim);
  keys_ = at::zeros({num_layers, batch, kv_heads, capacity, head_dim}, options);
  values_ = at::zeros_like(keys_);
}

KvAppend KvCache::plan_append(const at::Tensor& attention_mask) const {
  TORCH_CHECK(attention_mask.dim() == 2 && attention_mask.size(0) == batch(),
              "KvCache::plan_append: attention_mask must be [N=", batch(), ", T], got ",
              attention_mask.sizes());
  const at::Device device = keys_.device();
  const at::Tensor real = attention_mask.to(device).ne(0);        // [N, T]
  const at::Tensor counts = real.sum(1).to(at::kCPU, at::kLong);  // [N]
  KvAppend plan;
  plan.new_lengths = lengths_;
  const int64_t* count = counts.data_ptr<int64_t>();
  for (size_t i = 0; i < lengths_.size(); ++i) {
    plan.new_lengths[i] += count[i];
    TORCH_CHECK(plan.new_lengths[i] <= capacity(), "KvCache: sequence ", i, " would hold ",
                plan.new_lengths[i], " tokens, over the capacity of ", capacity());
  }
  plan.used_slots = plan.new_lengths.empty()
                        ? 0
                        : *std::max_element(plan.new_lengths.begin(), plan.new_lengths.end());

  const at::Tensor old_lengths =
      at::tensor(lengths_, at::TensorOptions().dtype(at::kLong)).to(device);  // [N]
  const at::Tensor held_after = old_lengths.unsqueeze(1) + real.cumsum(1);    // [N, T]
  const at::Tensor index = real.nonzero();                                    // [M, 2]
  plan.rows = index.select(1, 0);
  plan.tokens = index.select(1, 1);
  plan.slots = held_after.index({plan.rows, plan.tokens}) - 1;
  const at::Tensor slot_ids =
      at::arange(plan.used_slots, at::TensorOptions(device).dtype(at::kLong));
  plan.allowed = slot_ids.view({1, 1, -1}) < held_after.unsqueeze(-1);  // [N, T, used]
  return plan;
}

std::pair<at::Tensor, at::Tensor> KvCache::write(int64_t layer, const KvAppend& plan,
                                                 const at::Tensor& keys, const at::Tensor& values) {
  TORCH_CHECK(keys.dim() == 4 && keys.size(0) == batch() && keys.size(1) == keys_.size(2) &&
                  keys.size(3) == keys_.size(4) && keys.sizes() == values.sizes(),
              "KvCache::write: keys ", keys.sizes(), " and values ", values.sizes(),
              " must both be [N=", batch(), ", Hkv=", keys_.size(2), ", T, D=", keys_.size(4), "]");
  using at::indexing::Slice;
  at::Tensor layer_keys = keys_[layer];      // [N, Hkv, S, D]
  at::Tensor layer_values = values_[layer];  // [N, Hkv, S, D]
  // Advanced indices around a slice: the selected [M] dimension comes first, [M, Hkv, D].
  layer_keys.index_put_({plan.rows, Slice(), plan.slots},
                        keys.index({plan.rows, Slice(), plan.tokens}).to(keys_.scalar_type()));
  layer_values.index_put_(
      {plan.rows, Slice(), plan.slots},
      values.index({plan.rows, Slice(), plan.tokens}).to(values_.scalar_type()));
  return {layer_keys.narrow(2, 0, plan.used_slots), layer_values.narrow(2, 0, plan.used_slots)};
}

void KvCache::commit(const KvAppend& plan) {
  TORCH_CHECK(plan.new_lengths.size() == lengths_.size(), "KvCache::commit: plan for ",
              plan.new_lengths.size(), " sequences, cache holds ", lengths_.size());
  lengths_ = plan.new_lengths;
}

void KvCache::select_rows(const std::vector<int64_t>& rows) {
  std::vector<int64_t> lengths;
  for (int64_t row : rows) {
    TORCH_CHECK(row >= 0 && row < batch(), "KvCache::select_rows: row ", row,
                " out of range for a batch of ", batch());
    lengths.push_back(lengths_[static_cast<size_t>(row)]);
  }
  const at::Tensor index =
      at::tensor(rows, at::TensorOptions().dtype(at::kLong)).to(keys_.device());
  keys_ = keys_.index_select(1, index);
  values_ = values_.index_select(1, index);
  lengths_ = std::move(lengths);
}

void KvCache::clear() { std::fill(lengths_.begin(), lengths_.end(), 0); }

}  // namespace terse
