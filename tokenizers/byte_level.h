// The byte-level alphabet of GPT-2-style BPE: each of the 256 byte values is written as one
// printable character (printable Latin-1 bytes as themselves, the others as U+0100 onwards), so
// any byte string is a string of "characters" that a vocabulary can hold.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace terse {

// The byte-level character (UTF-8) that stands for byte `b`.
absl::string_view byte_level_char(uint8_t b);

// Appends the byte-level spelling of `bytes` (one character per byte) to `out`.
void byte_level_encode(absl::string_view bytes, std::string* out);

// Appends the bytes that the byte-level string `text` spells to `out`; returns false, leaving
// `out` unspecified, when `text` has a character outside the alphabet or is not valid UTF-8.
bool byte_level_decode(absl::string_view text, std::string* out);

}  // namespace terse
