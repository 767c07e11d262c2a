// Fuzzes the safetensors header parser: the input is a whole .safetensors file. A file that
// parses must describe tensors whose bytes all lie inside it, with dtype size x shape = byte
// length; each tensor's bytes are read. libFuzzer hands over a buffer of exactly the input's
// size, so AddressSanitizer reports any read past the end of the file.
#include <cstddef>
#include <cstdint>

#include "models/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto header = terse::parse_safetensors_header(data, size, "fuzz.safetensors");
  if (!header.ok()) return 0;
  if (header->data_offset > size) __builtin_trap();
  uint64_t previous_end = 0;
  for (const terse::SafetensorsEntry& entry : header->entries) {
    uint64_t numel = 1;
    for (const int64_t dim : entry.shape) numel *= static_cast<uint64_t>(dim);
    // The entries tile the data section in order, each exactly as long as its shape says.
    if (entry.begin != previous_end ||
        entry.end - entry.begin != numel * terse::safetensors_dtype_bytes(entry.dtype)) {
      __builtin_trap();
    }
    previous_end = entry.end;
    const uint8_t* bytes = data + header->data_offset + entry.begin;
    volatile uint8_t sum = 0;
    for (uint64_t i = 0; i < entry.end - entry.begin; ++i) sum = sum + bytes[i];
  }
  if (header->data_offset + previous_end != size) __builtin_trap();
  return 0;
}
