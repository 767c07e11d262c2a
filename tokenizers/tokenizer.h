// What every tokenizer offers the rest of terse: text to token ids and back, the vocabulary, and
// the ids of the special tokens. Implementations: BpeTokenizer (Hugging Face tokenizer.json) and
// CharTokenizer (the built-in tasks). load_tokenizer() in tokenizer_loader.h reads either from a
// tokenizer.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace terse {

// Ids of the tokens with a fixed role; empty when the tokenizer has none.
struct SpecialTokenIds {
  std::optional<int32_t> bos;  // begins a sequence
  std::optional<int32_t> eos;  // ends a generation
  std::optional<int32_t> pad;  // fills a batch
  std::optional<int32_t> unk;  // stands for what the vocabulary lacks
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Ids of `text` (UTF-8; ill-formed bytes are read as U+FFFD). Special tokens written in the
  // text ("<|im_end|>") are encoded as ordinary text, so user data cannot forge them; nothing is
  // added at either end. Thread-safe.
  virtual std::vector<int32_t> encode(absl::string_view text) const = 0;
  // Ids of `text` where special tokens written in it become their ids: Hugging Face's
  // encode(text, add_special_tokens=False). Use it for chat-formatted prompts. Thread-safe.
  virtual std::vector<int32_t> encode_with_special(absl::string_view text) const = 0;
  // Text of `ids`. Ids outside the vocabulary are skipped; bytes that do not form whole UTF-8
  // characters (a character cut between tokens) become U+FFFD; with `skip_special`, special
  // tokens are left out.
  std::string decode(absl::Span<const int32_t> ids, bool skip_special = false) const {
    return decode_ids(ids, skip_special);
  }

  // One past the largest id.
  virtual int32_t vocab_size() const = 0;
  // The id of the token spelled `token` (as the vocabulary spells it, e.g. "Ġthe").
  virtual std::optional<int32_t> token_to_id(absl::string_view token) const = 0;
  // The vocabulary's spelling of `id`; empty when the id is unused or out of range.
  virtual std::string id_to_token(int32_t id) const = 0;
  // True for special tokens (control tokens such as "<|im_end|>").
  virtual bool is_special(int32_t id) const = 0;
  // Ids of the tokens with a fixed role.
  virtual const SpecialTokenIds& special_ids() const = 0;

 protected:
  virtual std::string decode_ids(absl::Span<const int32_t> ids, bool skip_special) const = 0;
};

}  // namespace terse
