// A character-level tokenizer for the built-in tasks: four special tokens, then one token per
// character of a fixed alphabet, then optional added tokens (the built-in tasks' `<think>`,
// `</think>`, `<answer>`, `</answer>` tags) that are matched whole in any text. It saves itself as
// a standard Hugging Face tokenizer.json (a BPE model without merges, no pre-tokenizer, the Fuse
// decoder), so an exported tiny model is a normal HF directory, and load_tokenizer() reads it back
// with identical ids.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tokenizers/tokenizer.h"

namespace terse {

class CharTokenizer : public Tokenizer {
 public:
  // The special tokens, with ids 0..3 in this order.
  static constexpr const char* kPad = "<pad>";
  static constexpr const char* kBos = "<bos>";
  static constexpr const char* kEos = "<eos>";
  static constexpr const char* kUnk = "<unk>";
  static constexpr int32_t kNumSpecial = 4;

  // A tokenizer whose characters are those of `alphabet` (UTF-8) in order of first appearance,
  // with ids from kNumSpecial on, followed by `added_tokens` in order: multi-character tokens
  // that are not special (Hugging Face added tokens with special=false), so encode() and
  // encode_with_special() both match them, leftmost-longest, and decode(skip_special) keeps them.
  // InvalidArgument when `alphabet` is empty or not valid UTF-8, or an added token is empty,
  // repeated, or spelled like a special token or a character.
  static absl::StatusOr<std::unique_ptr<CharTokenizer>> create(
      absl::string_view alphabet, const std::vector<std::string>& added_tokens = {});

  // Writes tokenizer.json and tokenizer_config.json into `directory` (created when missing).
  absl::Status save(const std::string& directory) const;
  // The tokenizer.json text.
  std::string tokenizer_json() const;
  // The tokenizer_config.json text (special-token roles, tokenizer class).
  std::string tokenizer_config_json() const;

  // Characters outside the alphabet become <unk>.
  std::vector<int32_t> encode(absl::string_view text) const override;
  std::vector<int32_t> encode_with_special(absl::string_view text) const override;
  int32_t vocab_size() const override { return static_cast<int32_t>(tokens_.size()); }
  std::optional<int32_t> token_to_id(absl::string_view token) const override;
  std::string id_to_token(int32_t id) const override;
  bool is_special(int32_t id) const override { return id >= 0 && id < kNumSpecial; }
  const SpecialTokenIds& special_ids() const override { return special_ids_; }

 protected:
  std::string decode_ids(absl::Span<const int32_t> ids, bool skip_special) const override;

 private:
  CharTokenizer(std::vector<std::string> tokens, int32_t first_added);
  void encode_chars(absl::string_view text, std::vector<int32_t>* ids) const;
  // Encodes `text`, cutting out whole tokens: the added ones, and the special ones too when
  // `match_special`.
  std::vector<int32_t> encode_matching(absl::string_view text, bool match_special) const;
  // The longest token (special only when `match_special`) that starts text[pos], or -1.
  int32_t longest_token_at(absl::string_view text, size_t pos, bool match_special) const;

  std::vector<std::string> tokens_;       // by id: the special tokens, one per character, the added
  int32_t first_added_;                   // id of the first added token (vocab_size() when none)
  std::vector<int32_t> whole_ids_;        // ids matched whole in text: special, then added tokens
  std::array<bool, 256> starts_whole_{};  // bytes that begin one of whole_ids_
  absl::flat_hash_map<std::string, int32_t> ids_;
  std::array<int32_t, 128> ascii_ids_;  // fast path for ASCII characters; -1: unknown
  SpecialTokenIds special_ids_;
};

}  // namespace terse
