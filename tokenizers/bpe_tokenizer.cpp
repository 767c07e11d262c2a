#include "tokenizers/bpe_tokenizer.h"

#include <algorithm>
#include <utility>

#include "core/utf8.h"
#include "tokenizers/byte_level.h"

namespace terse {

absl::StatusOr<std::unique_ptr<BpeTokenizer>> BpeTokenizer::create(BpeTokenizerParts parts) {
  if (parts.model == nullptr) return absl::InvalidArgumentError("the tokenizer has no model");
  if (parts.model->byte_level() != parts.pre_tokenizer.byte_level()) {
    return absl::InvalidArgumentError(
        "the BPE model must be byte-level exactly when the pre-tokenizer has a ByteLevel step");
  }
  return std::unique_ptr<BpeTokenizer>(new BpeTokenizer(std::move(parts)));
}

BpeTokenizer::BpeTokenizer(BpeTokenizerParts parts) : parts_(std::move(parts)) {
  const BpeModel& model = *parts_.model;
  vocab_size_ = model.vocab_size();
  for (const AddedToken& token : parts_.added.tokens()) {
    vocab_size_ = std::max(vocab_size_, token.id + 1);
  }
  decoded_.resize(model.vocab_size());
  for (int32_t id = 0; id < model.vocab_size(); ++id) {
    const std::string& spelling = model.token(id);
    // HF tokenizers' ByteLevel decoder: a spelling outside the alphabet passes through as is.
    if (parts_.decoder != DecoderKind::kByteLevel || !byte_level_decode(spelling, &decoded_[id])) {
      decoded_[id] = spelling;
    }
  }
}

std::vector<int32_t> BpeTokenizer::encode(absl::string_view text) const {
  return encode_impl(text, /*match_special=*/false);
}

std::vector<int32_t> BpeTokenizer::encode_with_special(absl::string_view text) const {
  return encode_impl(text, /*match_special=*/true);
}

std::vector<int32_t> BpeTokenizer::encode_impl(absl::string_view text, bool match_special) const {
  std::string repaired;
  if (!utf8_is_valid(text)) {
    repaired = utf8_make_valid(text);
    text = repaired;
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 1);
  std::vector<TextSegment> segments;
  parts_.added.split(text, /*normalized=*/false, match_special, &segments);
  std::string normalized_storage;
  std::vector<TextSegment> normalized_segments;
  for (const TextSegment& segment : segments) {
    if (segment.token_id >= 0) {
      ids.push_back(segment.token_id);
      continue;
    }
    const absl::string_view normalized =
        parts_.normalizer.normalize(segment.text, &normalized_storage);
    if (!parts_.added.has_normalized()) {
      encode_normalized(normalized, &ids);
      continue;
    }
    normalized_segments.clear();
    parts_.added.split(normalized, /*normalized=*/true, match_special, &normalized_segments);
    for (const TextSegment& inner : normalized_segments) {
      if (inner.token_id >= 0) {
        ids.push_back(inner.token_id);
      } else {
        encode_normalized(inner.text, &ids);
      }
    }
  }
  return ids;
}

void BpeTokenizer::encode_normalized(absl::string_view text, std::vector<int32_t>* ids) const {
  PreTokenizerScratch scratch;
  parts_.pre_tokenizer.split(text, &scratch);
  for (const absl::string_view piece : scratch.pieces) parts_.model->encode_word(piece, ids);
}

std::string BpeTokenizer::decode_ids(absl::Span<const int32_t> ids, bool skip_special) const {
  std::string out;
  bool first = true;
  for (const int32_t id : ids) {
    absl::string_view piece;
    if (const AddedToken* token = parts_.added.find(id)) {
      if (skip_special && token->special) continue;
      // Added tokens are written as their content, never through the byte-level map.
      piece = token->content;
    } else if (id >= 0 && id < parts_.model->vocab_size() && !parts_.model->token(id).empty()) {
      piece = decoded_[id];
    } else {
      continue;
    }
    if (parts_.decoder == DecoderKind::kJoin && !first) out.push_back(' ');
    out.append(piece.data(), piece.size());
    first = false;
  }
  if (!utf8_is_valid(out)) return utf8_make_valid(out);
  return out;
}

std::optional<int32_t> BpeTokenizer::token_to_id(absl::string_view token) const {
  if (std::optional<int32_t> id = parts_.added.find(token)) return id;
  return parts_.model->token_to_id(token);
}

std::string BpeTokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* token = parts_.added.find(id)) return token->content;
  if (id >= 0 && id < parts_.model->vocab_size()) return parts_.model->token(id);
  return "";
}

bool BpeTokenizer::is_special(int32_t id) const {
  const AddedToken* token = parts_.added.find(id);
  return token != nullptr && token->special;
}

}  // namespace terse
