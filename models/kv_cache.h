// Keys and values of the tokens decoded so far, preallocated for incremental decoding.
//
// Shapes: L layers, N sequences, Hkv key/value heads, S capacity (slots per sequence), D head
// width, T new tokens per step, M real new tokens in a step.
//
// Each sequence holds its real tokens packed in slots [0, length); padding is never stored, so
// ragged prompts need no holes and positions stay the caller's business (position_ids). A step
// appends the real tokens (attention_mask = 1) of every sequence after those it holds. Rows can
// be reordered, dropped and repeated (select_rows): drop finished sequences, or prefill a prompt
// once and expand it to G samples.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <utility>
#include <vector>

namespace terse {

// Where one step's new tokens go; made by KvCache::plan_append, used by every layer.
struct KvAppend {
  at::Tensor rows;     // [M] int64: sequence of each real new token
  at::Tensor tokens;   // [M] int64: its index among the T new tokens
  at::Tensor slots;    // [M] int64: the slot it is written to
  at::Tensor allowed;  // [N, T, used_slots] bool: slot j is visible to new token t of sequence i
  std::vector<int64_t> new_lengths;  // [N] tokens held per sequence after the step
  int64_t used_slots = 0;            // max(new_lengths): slots attention reads
};

class KvCache {
 public:
  // An empty cache of `capacity` slots for each of `batch` sequences, in `options`' dtype and
  // device (zero-filled, so unused slots never hold NaN).
  KvCache(int64_t num_layers, int64_t batch, int64_t kv_heads, int64_t capacity, int64_t head_dim,
          at::TensorOptions options);

  int64_t num_layers() const { return keys_.size(0); }
  int64_t batch() const { return keys_.size(1); }
  int64_t capacity() const { return keys_.size(3); }
  at::ScalarType dtype() const { return keys_.scalar_type(); }
  // Tokens held per sequence [N].
  const std::vector<int64_t>& lengths() const { return lengths_; }

  // Plans appending the real tokens of attention_mask [N, T] (bool or integer, nonzero = real)
  // after each sequence's tokens; a real token sees the sequence's earlier tokens and itself.
  // Fails (TORCH_CHECK) when a sequence would exceed the capacity.
  KvAppend plan_append(const at::Tensor& attention_mask) const;
  // Stores layer `layer`'s new keys and values [N, Hkv, T, D] as `plan` says and returns every
  // layer key and value in slots [0, plan.used_slots): ([N, Hkv, used, D], [N, Hkv, used, D]).
  std::pair<at::Tensor, at::Tensor> write(int64_t layer, const KvAppend& plan,
                                          const at::Tensor& keys, const at::Tensor& values);
  // Records the new lengths once every layer has written.
  void commit(const KvAppend& plan);

  // Keeps the sequences `rows` (indices into the current batch) in that order; a repeated index
  // copies that sequence. The capacity stays the same.
  void select_rows(const std::vector<int64_t>& rows);
  // Forgets every token; the storage is kept.
  void clear();

 private:
  at::Tensor keys_;               // [L, N, Hkv, S, D]
  at::Tensor values_;             // [L, N, Hkv, S, D]
  std::vector<int64_t> lengths_;  // [N]
};

}  // namespace terse
