// Fuzzes the tokenizer: the input is a tokenizer.json text, a NUL byte, then a text to encode.
// A tokenizer that loads must encode the text and decode the ids without crashing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tokenizers/tokenizer_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string json = input.substr(0, split);
  const std::string text = split == std::string::npos ? "" : input.substr(split + 1);
  const auto tokenizer = terse::parse_tokenizer_json(json, "", "fuzz.json");
  if (!tokenizer.ok()) return 0;
  const auto& t = **tokenizer;
  const std::vector<int32_t> plain = t.encode(text);
  const std::vector<int32_t> special = t.encode_with_special(text);
  (void)t.decode(plain);
  (void)t.decode(special, /*skip_special=*/true);
  for (const int32_t id : plain) {
    if (id < 0 || id >= t.vocab_size()) __builtin_trap();  // ids must be in the vocabulary
  }
  return 0;
}
