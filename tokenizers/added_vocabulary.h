// The added tokens of a Hugging Face tokenizer (`added_tokens` in tokenizer.json): strings such as
// "<|im_start|>" that are cut out of the text before normalization and BPE and map straight to
// their ids. Matching is leftmost-longest, with the lstrip / rstrip / single_word rules of HF
// tokenizers' AddedVocabulary.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace terse {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;      // a control token: skipped by decode(skip_special), and matched in
                             // text only when special-token matching is asked for
  bool single_word = false;  // match only when no letter or digit touches it on either side
  bool lstrip = false;       // the match swallows the whitespace on its left
  bool rstrip = false;       // the match swallows the whitespace on its right
  bool normalized = false;   // matched in the normalized text rather than the raw text
};

// A stretch of text: plain text for the normalizer and pre-tokenizer, or one added token.
struct TextSegment {
  absl::string_view text;
  int32_t token_id = -1;  // -1: plain text
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // Takes the tokens; ids and contents are assumed unique (the loader checks).
  explicit AddedVocabulary(std::vector<AddedToken> tokens);

  // Appends the segments of `text` to `out`, cutting out the tokens whose `normalized` flag
  // equals `normalized` (special ones only with `match_special`). Segments view `text`.
  void split(absl::string_view text, bool normalized, bool match_special,
             std::vector<TextSegment>* out) const;

  // The token with this id, or null.
  const AddedToken* find(int32_t id) const;
  // The id of the token with this content.
  std::optional<int32_t> find(absl::string_view content) const;
  // True when some token is matched in normalized text.
  bool has_normalized() const { return has_normalized_; }
  // Every added token, in file order.
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
    int32_t token = -1;                                       // index into tokens_
  };
  // One trie per value of the `normalized` flag.
  struct Trie {
    std::vector<Node> nodes{1};
    std::array<bool, 256> first_byte{};
  };

  void insert(Trie* trie, int32_t index);
  // Index of the longest allowed token that starts at text[pos], and its end; -1 if none.
  int32_t longest_match(const Trie& trie, absl::string_view text, size_t pos, bool match_special,
                        size_t* end) const;

  std::vector<AddedToken> tokens_;
  absl::flat_hash_map<int32_t, int32_t> index_by_id_;
  absl::flat_hash_map<std::string, int32_t> id_by_content_;
  Trie raw_trie_;
  Trie normalized_trie_;
  bool has_normalized_ = false;
};

}  // namespace terse
