#include "models/rotary_embedding.h"

#include <cmath>

namespace terse {

at::Tensor rope_inverse_frequencies(const ModelConfig& config) {
  const int64_t dim = config.resolved_head_dim();
  const at::Tensor exponents =
      at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
  at::Tensor inv_freq = 1.0 / at::pow(config.rope_theta, exponents);
  const RopeScalingConfig& s = config.rope_scaling;
  if (s.type == RopeScalingType::kLlama3) {
    // Llama 3.1: long wavelengths (low frequencies) are stretched by `factor`, short ones kept,
    // and the band between original/low_freq_factor and original/high_freq_factor blends the two
    // linearly in original / wavelength.
    const double original = static_cast<double>(s.original_max_seq_len);
    const double long_wavelength = original / s.low_freq_factor;
    const double short_wavelength = original / s.high_freq_factor;
    const at::Tensor wavelength = 2.0 * M_PI / inv_freq;
    const at::Tensor stretched = inv_freq / s.factor;
    const at::Tensor blend =
        (original / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
    const at::Tensor middle = (1.0 - blend) * stretched + blend * inv_freq;
    inv_freq = at::where(wavelength > long_wavelength, stretched,
                         at::where(wavelength < short_wavelength, inv_freq, middle));
  }
  return inv_freq.contiguous();
}

RopeTables rope_tables(const at::Tensor& inverse_frequencies, const at::Tensor& position_ids,
                       at::ScalarType dtype) {
  TORCH_CHECK(position_ids.dim() == 2, "position_ids must be [N, T], got ", position_ids.sizes());
  const at::Tensor inv_freq = inverse_frequencies.to(position_ids.device(), at::kFloat);
  const at::Tensor angles = position_ids.to(at::kFloat).unsqueeze(-1) * inv_freq;  // [N, T, D/2]
  const at::Tensor both_halves = at::cat({angles, angles}, -1);                    // [N, T, D]
  return {both_halves.cos().to(dtype), both_halves.sin().to(dtype)};
}

at::Tensor apply_rope(const at::Tensor& x, const RopeTables& tables) {
  TORCH_CHECK(x.dim() == 4 && x.size(2) == tables.cos.size(1) && x.size(3) == tables.cos.size(2),
              "apply_rope: x ", x.sizes(), " does not match tables ", tables.cos.sizes());
  const int64_t half = x.size(-1) / 2;
  const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  const at::Tensor cos = tables.cos.unsqueeze(1);  // [N, 1, T, D]
  const at::Tensor sin = tables.sin.unsqueeze(1);
  return x * cos + rotated * sin;
}

}  // namespace terse
