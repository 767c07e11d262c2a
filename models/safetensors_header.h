// The header of a safetensors file, parsed and validated without LibTorch: an 8-byte
// little-endian header length, a JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}},
// then the tensors' bytes, offsets counted from the end of the header.
//
// Nothing in a header is trusted before it is checked: the header fits in the file, every dtype
// is known, byte ranges lie inside the data, do not overlap and leave no holes, and dtype size x
// shape = byte length. Once a header parses, every entry's bytes may be read without further
// checks. The fuzz target fuzz/safetensors_fuzzer.cpp feeds this parser arbitrary bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

// Headers larger than this are refused (the reference implementation's limit).
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

// The element types terse reads.
enum class SafetensorsDType { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

// The format's name of `dtype` ("F32", "BF16", ...).
absl::string_view safetensors_dtype_text(SafetensorsDType dtype);
// Bytes per element of `dtype`.
size_t safetensors_dtype_bytes(SafetensorsDType dtype);
// Every dtype name terse reads, comma-separated, for error messages.
std::string known_safetensors_dtypes();

// One tensor as the header describes it.
struct SafetensorsEntry {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::kF32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offset in the data section
  uint64_t end = 0;    // one past the last byte
};

// A validated header.
struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;        // in the order of their bytes in the file
  std::map<std::string, std::string> metadata;  // the `__metadata__` strings
  uint64_t data_offset = 0;                     // file offset of the data section
};

// Parses and validates the header of a whole safetensors file, `size` bytes at `bytes`. Errors
// are InvalidArgument and name `path` and, where one is at fault, the tensor.
absl::StatusOr<SafetensorsHeader> parse_safetensors_header(const uint8_t* bytes, uint64_t size,
                                                           absl::string_view path);

}  // namespace terse
