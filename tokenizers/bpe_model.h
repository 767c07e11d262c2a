// The BPE model of a Hugging Face tokenizer: a vocabulary, merges ranked by their order in the
// file, and the merge loop that turns one pre-tokenized word into token ids. The loop repeatedly
// merges the adjacent pair of lowest rank (the leftmost one on ties), as HF tokenizers does.
//
// In byte-level mode (the pre-tokenizer ends with ByteLevel) the model works on raw bytes: every
// vocabulary entry is stored as the bytes its byte-level characters spell, so words never need
// converting. Otherwise the symbols are the words' UTF-8 characters.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

struct BpeModelOptions {
  bool byte_level = false;               // words are raw bytes; vocabulary is byte-level text
  bool ignore_merges = false;            // a word that is itself in the vocabulary is one token
  std::optional<std::string> unk_token;  // unknown symbols become this token, else are dropped
  bool fuse_unk = false;                 // consecutive unknown symbols become one unk token
};

class BpeModel {
 public:
  // Builds the model. `vocab` maps tokens to ids; `merges` are token pairs in rank order. Errors
  // (InvalidArgument) name the offending entry: a merge whose parts or result are not in the
  // vocabulary, an unk_token not in it, duplicate ids, or negative ids.
  static absl::StatusOr<std::unique_ptr<BpeModel>> create(
      std::vector<std::pair<std::string, int32_t>> vocab,
      const std::vector<std::pair<std::string, std::string>>& merges, BpeModelOptions options);

  BpeModel(const BpeModel&) = delete;
  BpeModel& operator=(const BpeModel&) = delete;

  // Appends the ids of `word` (raw bytes in byte-level mode, else valid UTF-8) to `ids`.
  // Thread-safe; results of short words are cached.
  void encode_word(absl::string_view word, std::vector<int32_t>* ids) const;

  // One past the largest id.
  int32_t vocab_size() const { return static_cast<int32_t>(tokens_.size()); }
  // The vocabulary's spelling of `id` ("Ġhello" in byte-level files); empty for unused ids.
  const std::string& token(int32_t id) const { return tokens_[id]; }
  // The id whose vocabulary spelling is `token`.
  std::optional<int32_t> token_to_id(absl::string_view token) const;
  // The id of the unk token, if any.
  std::optional<int32_t> unk_id() const { return unk_id_; }
  // True when words are raw bytes (see the file comment).
  bool byte_level() const { return options_.byte_level; }

  // Appends the ids of `word`'s single symbols before any merge (bytes in byte-level mode, else
  // characters; unknown ones become unk, or are dropped when there is no unk token).
  void initial_symbols(absl::string_view word, std::vector<int32_t>* symbols) const;
  // How merge() finds the next pair: rescanning (short words) or a heap (long words).
  enum class MergeAlgorithm { kAuto, kScan, kHeap };
  // The merge loop without the cache: `symbols` (initial ids) are merged in place. kScan takes
  // at most 32 symbols. Both algorithms give the same result; tests compare them.
  void merge(std::vector<int32_t>* symbols, MergeAlgorithm algorithm = MergeAlgorithm::kAuto) const;

 private:
  struct Merge {
    int32_t rank;
    int32_t result;
  };

  explicit BpeModel(BpeModelOptions options) : options_(std::move(options)) {}

  std::optional<Merge> find_merge(int32_t left, int32_t right) const;
  void merge_by_scan(std::vector<int32_t>* symbols) const;
  void merge_by_heap(std::vector<int32_t>* symbols) const;

  BpeModelOptions options_;
  std::vector<std::string> tokens_;                          // by id, vocabulary spelling
  absl::flat_hash_map<std::string, int32_t> unit_to_id_;     // bytes (byte-level) or spelling
  absl::flat_hash_map<std::string, int32_t> spelling_only_;  // byte-level: undecodable tokens
  std::vector<int32_t> byte_ids_;                            // byte-level: id of each single byte
  absl::flat_hash_map<uint64_t, Merge> merges_;              // (left << 32 | right) -> merge
  std::optional<int32_t> unk_id_;

  // Cache of short words: word -> [offset, offset + length) in cache_ids_.
  mutable std::mutex cache_mutex_;
  mutable absl::flat_hash_map<std::string, std::pair<uint32_t, uint32_t>> cache_;
  mutable std::vector<int32_t> cache_ids_;
};

}  // namespace terse
