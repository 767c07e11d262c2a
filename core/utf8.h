// UTF-8 helpers: validation, lossy repair and code point iteration, for the tokenizers and for
// every text read from the outside (configs). A LibTorch-free target of its own (terse_utf8), so
// the tokenizers can use it without LibTorch.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace terse {

// The Unicode replacement character U+FFFD as UTF-8.
inline constexpr absl::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool utf8_is_valid(absl::string_view text);

// Byte offset of the first ill-formed sequence in `text`, or nullopt when it is well-formed.
std::optional<size_t> utf8_first_invalid(absl::string_view text);

// `bytes` with every ill-formed subsequence replaced by U+FFFD, one per maximal subpart (Unicode
// §3.9 "substitution of maximal subparts", as the WHATWG decoder and Rust's from_utf8_lossy do).
std::string utf8_make_valid(absl::string_view bytes);

// Byte length of the character that starts at text[pos] in valid UTF-8 (1..4); pos < size.
size_t utf8_char_length(absl::string_view text, size_t pos);

// Decodes the character at text[pos] of valid UTF-8 and advances *pos past it.
char32_t utf8_decode_next(absl::string_view text, size_t* pos);

// Appends code point `cp` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void utf8_append(char32_t cp, std::string* out);

// True for the characters of Unicode's White_Space property (Rust's char::is_whitespace).
bool is_unicode_white_space(char32_t cp);

}  // namespace terse
