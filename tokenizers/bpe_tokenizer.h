// A Hugging Face byte-level BPE tokenizer (GPT-2, Qwen2/3, Llama 3): added tokens are cut out of
// the raw text first, the rest is normalized, pre-tokenized into words and encoded word by word
// by the BPE model; decoding maps ids back to bytes. Built by load_tokenizer() from a
// tokenizer.json; the parts are public so tests can assemble small ones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tokenizers/added_vocabulary.h"
#include "tokenizers/bpe_model.h"
#include "tokenizers/normalizer.h"
#include "tokenizers/pre_tokenizer.h"
#include "tokenizers/tokenizer.h"

namespace terse {

// How ids become text again (tokenizer.json's `decoder`).
enum class DecoderKind {
  kByteLevel,  // byte-level spellings back to bytes ("ByteLevel")
  kFuse,       // spellings concatenated ("Fuse")
  kJoin,       // spellings joined by spaces (no decoder: HF tokenizers' default)
};

struct BpeTokenizerParts {
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  std::unique_ptr<BpeModel> model;
  AddedVocabulary added;
  DecoderKind decoder = DecoderKind::kByteLevel;
  SpecialTokenIds special_ids;
};

class BpeTokenizer : public Tokenizer {
 public:
  // Assembles a tokenizer; InvalidArgument when the parts disagree (a byte-level pre-tokenizer
  // with a model that is not byte-level, or the reverse).
  static absl::StatusOr<std::unique_ptr<BpeTokenizer>> create(BpeTokenizerParts parts);

  std::vector<int32_t> encode(absl::string_view text) const override;
  std::vector<int32_t> encode_with_special(absl::string_view text) const override;
  int32_t vocab_size() const override { return vocab_size_; }
  std::optional<int32_t> token_to_id(absl::string_view token) const override;
  std::string id_to_token(int32_t id) const override;
  bool is_special(int32_t id) const override;
  const SpecialTokenIds& special_ids() const override { return parts_.special_ids; }

  // Sets the ids of the tokens with a fixed role (from tokenizer_config.json).
  void set_special_ids(const SpecialTokenIds& ids) { parts_.special_ids = ids; }

  // The BPE model and the added tokens, for inspection.
  const BpeModel& model() const { return *parts_.model; }
  const AddedVocabulary& added_vocabulary() const { return parts_.added; }

 protected:
  std::string decode_ids(absl::Span<const int32_t> ids, bool skip_special) const override;

 private:
  explicit BpeTokenizer(BpeTokenizerParts parts);
  std::vector<int32_t> encode_impl(absl::string_view text, bool match_special) const;
  void encode_normalized(absl::string_view text, std::vector<int32_t>* ids) const;

  BpeTokenizerParts parts_;
  int32_t vocab_size_ = 0;
  std::vector<std::string> decoded_;  // by model id: the text (bytes) the decoder gives
};

}  // namespace terse
