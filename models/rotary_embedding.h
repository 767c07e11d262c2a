// Rotary position embeddings (Su et al. 2021, "RoFormer"), in the half-split layout of the Llama
// and Qwen checkpoints: dimension i of a head is paired with dimension i + D/2.
//
// Shapes: N sequences, T tokens, D head width, heads any count.
#pragma once

#include <ATen/ATen.h>

#include "models/model_config.h"

namespace terse {

// Inverse frequencies theta^(-2i/D), i < D/2, float32 [D/2] on the CPU, with the config's
// rope_scaling applied (llama3: Llama 3.1's wavelength-dependent division by `factor`).
at::Tensor rope_inverse_frequencies(const ModelConfig& config);

// cos and sin of every position's angles, repeated over both halves of a head.
struct RopeTables {
  at::Tensor cos;  // [N, T, D]
  at::Tensor sin;  // [N, T, D]
};

// The tables for `position_ids` [N, T] (int64), computed in float32 and returned in `dtype` on
// the positions' device.
RopeTables rope_tables(const at::Tensor& inverse_frequencies, const at::Tensor& position_ids,
                       at::ScalarType dtype);

// Rotates x [N, heads, T, D] by the angles of its positions.
at::Tensor apply_rope(const at::Tensor& x, const RopeTables& tables);

}  // namespace terse
