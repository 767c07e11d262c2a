#include "core/utf8.h"

#include <cstdint>

namespace terse {
namespace {

// Length of a well-formed sequence that starts at bytes[i], or 0 when none starts there; the
// second-byte bounds follow Table 3-7 of the Unicode standard.
size_t valid_sequence_length(absl::string_view bytes, size_t i, size_t* consumed) {
  const auto b = static_cast<uint8_t>(bytes[i]);
  *consumed = 1;
  if (b < 0x80) return 1;
  size_t need = 0;
  uint8_t lower = 0x80;
  uint8_t upper = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b == 0xE0) {
    need = 2, lower = 0xA0;
  } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
    need = 2;
  } else if (b == 0xED) {
    need = 2, upper = 0x9F;
  } else if (b == 0xF0) {
    need = 3, lower = 0x90;
  } else if (b >= 0xF1 && b <= 0xF3) {
    need = 3;
  } else if (b == 0xF4) {
    need = 3, upper = 0x8F;
  } else {
    return 0;
  }
  size_t j = i + 1;
  for (size_t k = 0; k < need; ++k, ++j) {
    if (j >= bytes.size()) break;
    const auto c = static_cast<uint8_t>(bytes[j]);
    if (c < (k == 0 ? lower : 0x80) || c > (k == 0 ? upper : 0xBF)) break;
  }
  *consumed = j - i;
  return *consumed == need + 1 ? need + 1 : 0;
}

// Index of the first byte >= 0x80 at or after `i`, or bytes.size().
size_t skip_ascii(absl::string_view bytes, size_t i) {
  while (i < bytes.size() && static_cast<uint8_t>(bytes[i]) < 0x80) ++i;
  return i;
}

}  // namespace

bool utf8_is_valid(absl::string_view text) { return !utf8_first_invalid(text).has_value(); }

std::optional<size_t> utf8_first_invalid(absl::string_view text) {
  size_t i = skip_ascii(text, 0);
  while (i < text.size()) {
    size_t consumed = 0;
    if (valid_sequence_length(text, i, &consumed) == 0) return i;
    i = skip_ascii(text, i + consumed);
  }
  return std::nullopt;
}

std::string utf8_make_valid(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t consumed = 0;
    if (valid_sequence_length(bytes, i, &consumed) != 0) {
      out.append(bytes.data() + i, consumed);
    } else {
      out.append(kReplacementCharacter.data(), kReplacementCharacter.size());
    }
    i += consumed;
  }
  return out;
}

size_t utf8_char_length(absl::string_view text, size_t pos) {
  const auto b = static_cast<uint8_t>(text[pos]);
  if (b < 0x80) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return 4;
}

char32_t utf8_decode_next(absl::string_view text, size_t* pos) {
  const size_t length = utf8_char_length(text, *pos);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data() + *pos);
  *pos += length;
  switch (length) {
    case 1:
      return p[0];
    case 2:
      return (char32_t{p[0] & 0x1Fu} << 6) | (p[1] & 0x3Fu);
    case 3:
      return (char32_t{p[0] & 0x0Fu} << 12) | (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
    default:
      return (char32_t{p[0] & 0x07u} << 18) | (char32_t{p[1] & 0x3Fu} << 12) |
             (char32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
  }
}

void utf8_append(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_unicode_white_space(char32_t cp) {
  // PropList.txt, White_Space.
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

}  // namespace terse
