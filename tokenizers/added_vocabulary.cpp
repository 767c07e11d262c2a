#include "tokenizers/added_vocabulary.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "core/utf8.h"

namespace terse {
namespace {

// Rust's char::is_alphanumeric: the Alphabetic property or a numeric general category.
bool is_alphanumeric(char32_t cp) {
  if (u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_ALPHABETIC)) return true;
  const int8_t type = u_charType(static_cast<UChar32>(cp));
  return type == U_DECIMAL_DIGIT_NUMBER || type == U_LETTER_NUMBER || type == U_OTHER_NUMBER;
}

// The code point that ends text[0, end); text is valid UTF-8 and end > 0.
char32_t char_before(absl::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return utf8_decode_next(text, &start);
}

// Start of the run of whitespace that ends at text[end], not going below `limit`.
size_t whitespace_start(absl::string_view text, size_t end, size_t limit) {
  while (end > limit) {
    size_t start = end - 1;
    while (start > limit && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    size_t pos = start;
    if (!is_unicode_white_space(utf8_decode_next(text, &pos))) break;
    end = start;
  }
  return end;
}

// End of the run of whitespace that starts at text[begin].
size_t whitespace_end(absl::string_view text, size_t begin) {
  while (begin < text.size()) {
    size_t pos = begin;
    if (!is_unicode_white_space(utf8_decode_next(text, &pos))) break;
    begin = pos;
  }
  return begin;
}

}  // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  for (int32_t i = 0; i < static_cast<int32_t>(tokens_.size()); ++i) {
    const AddedToken& token = tokens_[i];
    index_by_id_[token.id] = i;
    id_by_content_[token.content] = token.id;
    if (token.content.empty()) continue;
    has_normalized_ |= token.normalized;
    insert(token.normalized ? &normalized_trie_ : &raw_trie_, i);
  }
}

void AddedVocabulary::insert(Trie* trie, int32_t index) {
  const std::string& content = tokens_[index].content;
  trie->first_byte[static_cast<unsigned char>(content[0])] = true;
  int32_t node = 0;
  for (const char c : content) {
    const auto byte = static_cast<unsigned char>(c);
    auto& children = trie->nodes[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(byte, int32_t{0}),
                               [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it != children.end() && it->first == byte) {
      node = it->second;
      continue;
    }
    const auto child = static_cast<int32_t>(trie->nodes.size());
    children.insert(it, {byte, child});
    trie->nodes.emplace_back();
    node = child;
  }
  trie->nodes[node].token = index;
}

int32_t AddedVocabulary::longest_match(const Trie& trie, absl::string_view text, size_t pos,
                                       bool match_special, size_t* end) const {
  int32_t best = -1;
  int32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto& children = trie.nodes[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(byte, int32_t{0}),
                               [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it == children.end() || it->first != byte) break;
    node = it->second;
    const int32_t token = trie.nodes[node].token;
    if (token >= 0 && (match_special || !tokens_[token].special)) {
      best = token;
      *end = i + 1;
    }
  }
  return best;
}

void AddedVocabulary::split(absl::string_view text, bool normalized, bool match_special,
                            std::vector<TextSegment>* out) const {
  const Trie& trie = normalized ? normalized_trie_ : raw_trie_;
  size_t plain_start = 0;  // start of the text not yet emitted
  size_t pos = 0;
  while (pos < text.size()) {
    if (!trie.first_byte[static_cast<unsigned char>(text[pos])]) {
      ++pos;
      continue;
    }
    size_t stop = 0;
    const int32_t index = longest_match(trie, text, pos, match_special, &stop);
    if (index < 0) {
      ++pos;
      continue;
    }
    const AddedToken& token = tokens_[index];
    size_t start = pos;
    pos = stop;  // a rejected match is skipped whole, as an Aho-Corasick scan would
    if (token.single_word) {
      const bool free_left = start == 0 || !is_alphanumeric(char_before(text, start));
      size_t after = stop;
      const bool free_right =
          stop == text.size() || !is_alphanumeric(utf8_decode_next(text, &after));
      if (!free_left || !free_right) continue;
    }
    if (token.lstrip) start = whitespace_start(text, start, plain_start);
    if (token.rstrip) stop = whitespace_end(text, stop);
    if (start > plain_start) out->push_back({text.substr(plain_start, start - plain_start), -1});
    out->push_back({text.substr(start, stop - start), token.id});
    plain_start = stop;
    pos = std::max(pos, stop);
  }
  if (plain_start < text.size()) out->push_back({text.substr(plain_start), -1});
}

const AddedToken* AddedVocabulary::find(int32_t id) const {
  auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? nullptr : &tokens_[it->second];
}

std::optional<int32_t> AddedVocabulary::find(absl::string_view content) const {
  auto it = id_by_content_.find(content);
  if (it == id_by_content_.end()) return std::nullopt;
  return it->second;
}

}  // namespace terse
