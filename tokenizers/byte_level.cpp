#include "tokenizers/byte_level.h"

#include <array>

#include "core/utf8.h"

namespace terse {
namespace {

// Printable bytes keep their Latin-1 code point; the rest take U+0100, U+0101, ... in byte
// order. Code points stay below 0x144, so the reverse table is a small array.
constexpr char32_t kMaxCodePoint = 0x144;

bool is_printable(int b) {
  return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
}

struct Alphabet {
  std::array<std::string, 256> chars;
  std::array<int16_t, kMaxCodePoint> bytes;  // -1: not in the alphabet

  Alphabet() {
    bytes.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const char32_t cp = is_printable(b) ? static_cast<char32_t>(b) : next++;
      utf8_append(cp, &chars[b]);
      bytes[cp] = static_cast<int16_t>(b);
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet* const instance = new Alphabet();
  return *instance;
}

}  // namespace

absl::string_view byte_level_char(uint8_t b) { return alphabet().chars[b]; }

void byte_level_encode(absl::string_view bytes, std::string* out) {
  const Alphabet& a = alphabet();
  for (const char c : bytes) out->append(a.chars[static_cast<uint8_t>(c)]);
}

bool byte_level_decode(absl::string_view text, std::string* out) {
  if (!utf8_is_valid(text)) return false;
  const Alphabet& a = alphabet();
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8_decode_next(text, &pos);
    if (cp >= kMaxCodePoint || a.bytes[cp] < 0) return false;
    out->push_back(static_cast<char>(a.bytes[cp]));
  }
  return true;
}

}  // namespace terse
