#include "tokenizers/bpe_model.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "core/utf8.h"
#include "tokenizers/byte_level.h"

namespace terse {
namespace {

// How far ids may run past the number of tokens (holes in the id space).
constexpr int64_t kMaxVocabIdGap = 1 << 16;

// Words of at most this many symbols merge by rescanning a rank array (fast for short words);
// longer ones use a heap, O(n log n).
constexpr size_t kScanMaxSymbols = 32;
// Words longer than this (bytes) are not cached; a full cache is cleared.
constexpr size_t kMaxCachedWordBytes = 256;
constexpr size_t kMaxCacheEntries = size_t{1} << 17;
constexpr size_t kMaxCachedIds = size_t{1} << 22;  // 16 MiB of ids
constexpr int32_t kNoRank = std::numeric_limits<int32_t>::max();

uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

}  // namespace

absl::StatusOr<std::unique_ptr<BpeModel>> BpeModel::create(
    std::vector<std::pair<std::string, int32_t>> vocab,
    const std::vector<std::pair<std::string, std::string>>& merges, BpeModelOptions options) {
  std::unique_ptr<BpeModel> owner(new BpeModel(std::move(options)));
  BpeModel& model = *owner;
  int32_t max_id = -1;
  for (const auto& [token, id] : vocab) {
    if (id < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.vocab: token \"", token, "\" has a negative id ", id));
    }
    max_id = std::max(max_id, id);
  }
  // Ids index a table, so they must be about as dense as real vocabularies are: a hostile file
  // with one huge id would otherwise ask for gigabytes.
  if (static_cast<int64_t>(max_id) >= static_cast<int64_t>(vocab.size()) + kMaxVocabIdGap) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.vocab: id ", max_id, " is far beyond the vocabulary's ", vocab.size(),
                     " tokens; ids must be dense (below the token count + ", kMaxVocabIdGap, ")"));
  }
  model.tokens_.resize(static_cast<size_t>(max_id + 1));
  std::vector<bool> used(model.tokens_.size(), false);
  model.unit_to_id_.reserve(vocab.size());
  if (model.options_.byte_level) model.byte_ids_.assign(256, -1);
  for (auto& [token, id] : vocab) {
    if (used[id]) {
      return absl::InvalidArgumentError(absl::StrCat("model.vocab: id ", id, " is given to both \"",
                                                     model.tokens_[id], "\" and \"", token,
                                                     "\"; every id must be unique"));
    }
    used[id] = true;
    std::string unit;
    if (!model.options_.byte_level) {
      model.unit_to_id_.emplace(token, id);
    } else if (byte_level_decode(token, &unit)) {
      if (unit.size() == 1) model.byte_ids_[static_cast<unsigned char>(unit[0])] = id;
      model.unit_to_id_.emplace(std::move(unit), id);
    } else {
      // A spelling outside the byte-level alphabet never comes out of byte-level words.
      model.spelling_only_.emplace(token, id);
    }
    model.tokens_[id] = std::move(token);
  }
  if (model.options_.unk_token) {
    model.unk_id_ = model.token_to_id(*model.options_.unk_token);
    if (!model.unk_id_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model.unk_token: \"", *model.options_.unk_token, "\" is not in model.vocab"));
    }
  }
  model.merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    const std::optional<int32_t> left_id = model.token_to_id(left);
    const std::optional<int32_t> right_id = model.token_to_id(right);
    const std::string merged = absl::StrCat(left, right);
    const std::optional<int32_t> merged_id = model.token_to_id(merged);
    const absl::string_view missing = !left_id ? left : !right_id ? right : merged;
    if (!left_id || !right_id || !merged_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model.merges[", rank, "]: (\"", left, "\", \"", right, "\"): token \"", missing,
          "\" is not in model.vocab; every merge's parts and result must be in the vocabulary"));
    }
    model.merges_[pair_key(*left_id, *right_id)] = Merge{static_cast<int32_t>(rank), *merged_id};
  }
  return owner;
}

std::optional<int32_t> BpeModel::token_to_id(absl::string_view token) const {
  const absl::flat_hash_map<std::string, int32_t>* map = &unit_to_id_;
  std::string unit;
  if (options_.byte_level) {
    if (byte_level_decode(token, &unit)) {
      token = unit;
    } else {
      map = &spelling_only_;
    }
  }
  auto it = map->find(token);
  if (it == map->end()) return std::nullopt;
  return it->second;
}

std::optional<BpeModel::Merge> BpeModel::find_merge(int32_t left, int32_t right) const {
  auto it = merges_.find(pair_key(left, right));
  if (it == merges_.end()) return std::nullopt;
  return it->second;
}

void BpeModel::initial_symbols(absl::string_view word, std::vector<int32_t>* symbols) const {
  // Pending unk run (HF tokenizers' rule): flushed before the next known symbol.
  bool pending_unk = false;
  auto add_unknown = [&] {
    if (!unk_id_) return;
    if (pending_unk && !options_.fuse_unk) symbols->push_back(*unk_id_);
    pending_unk = true;
  };
  auto add_known = [&](int32_t id) {
    if (pending_unk) symbols->push_back(*unk_id_);
    pending_unk = false;
    symbols->push_back(id);
  };
  if (options_.byte_level) {
    for (const char c : word) {
      const int32_t id = byte_ids_[static_cast<unsigned char>(c)];
      if (id >= 0) {
        add_known(id);
      } else {
        add_unknown();
      }
    }
  } else {
    size_t pos = 0;
    while (pos < word.size()) {
      const size_t length = utf8_char_length(word, pos);
      auto it = unit_to_id_.find(word.substr(pos, length));
      if (it != unit_to_id_.end()) {
        add_known(it->second);
      } else {
        add_unknown();
      }
      pos += length;
    }
  }
  if (pending_unk) symbols->push_back(*unk_id_);
}

void BpeModel::merge(std::vector<int32_t>* symbols, MergeAlgorithm algorithm) const {
  if (symbols->size() < 2 || merges_.empty()) return;
  const bool scan = algorithm == MergeAlgorithm::kAuto ? symbols->size() <= kScanMaxSymbols
                                                       : algorithm == MergeAlgorithm::kScan;
  if (scan && symbols->size() > kScanMaxSymbols) {
    throw std::invalid_argument("BpeModel::merge: kScan takes at most 32 symbols");
  }
  if (scan) {
    merge_by_scan(symbols);
  } else {
    merge_by_heap(symbols);
  }
}

void BpeModel::merge_by_scan(std::vector<int32_t>* symbols) const {
  std::vector<int32_t>& s = *symbols;
  // ranks[i], results[i]: the merge of (s[i], s[i + 1]).
  int32_t ranks[kScanMaxSymbols];
  int32_t results[kScanMaxSymbols];
  auto update = [&](size_t i) {
    const std::optional<Merge> m = find_merge(s[i], s[i + 1]);
    ranks[i] = m ? m->rank : kNoRank;
    results[i] = m ? m->result : -1;
  };
  size_t n = s.size();
  for (size_t i = 0; i + 1 < n; ++i) update(i);
  while (n > 1) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < n; ++i) {
      if (ranks[i] < ranks[best]) best = i;
    }
    if (ranks[best] == kNoRank) break;
    s[best] = results[best];
    for (size_t i = best + 1; i + 1 < n; ++i) {
      s[i] = s[i + 1];
      ranks[i] = ranks[i + 1];
      results[i] = results[i + 1];
    }
    --n;
    if (best > 0) update(best - 1);
    if (best + 1 < n) update(best);
  }
  s.resize(n);
}

void BpeModel::merge_by_heap(std::vector<int32_t>* symbols) const {
  std::vector<int32_t>& s = *symbols;
  const auto n = static_cast<int32_t>(s.size());
  std::vector<int32_t> prev(n);
  std::vector<int32_t> next(n);
  std::vector<bool> alive(n, true);
  for (int32_t i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    int32_t rank;
    int32_t pos;  // original index of the left symbol: the tie-break keeps leftmost first
    int32_t result;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto push = [&](int32_t pos) {
    if (const std::optional<Merge> m = find_merge(s[pos], s[next[pos]])) {
      queue.push({m->rank, pos, m->result});
    }
  };
  for (int32_t i = 0; i + 1 < n; ++i) push(i);
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    const int32_t right = next[top.pos];
    if (!alive[top.pos] || right < 0) continue;
    // A stale entry: the pair at pos changed since it was queued.
    const std::optional<Merge> m = find_merge(s[top.pos], s[right]);
    if (!m || m->result != top.result || m->rank != top.rank) continue;
    s[top.pos] = top.result;
    alive[right] = false;
    next[top.pos] = next[right];
    if (next[right] >= 0) prev[next[right]] = top.pos;
    if (prev[top.pos] >= 0) push(prev[top.pos]);
    if (next[top.pos] >= 0) push(top.pos);
  }
  size_t out = 0;
  for (int32_t i = 0; i < n; ++i) {
    if (alive[i]) s[out++] = s[i];
  }
  s.resize(out);
}

void BpeModel::encode_word(absl::string_view word, std::vector<int32_t>* ids) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    auto it = unit_to_id_.find(word);
    if (it != unit_to_id_.end()) {
      ids->push_back(it->second);
      return;
    }
  }
  const bool cacheable = word.size() <= kMaxCachedWordBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) {
      const auto [offset, length] = it->second;
      ids->insert(ids->end(), cache_ids_.begin() + offset, cache_ids_.begin() + offset + length);
      return;
    }
  }
  std::vector<int32_t> symbols;
  symbols.reserve(word.size());
  initial_symbols(word, &symbols);
  merge(&symbols);
  ids->insert(ids->end(), symbols.begin(), symbols.end());
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() >= kMaxCacheEntries || cache_ids_.size() >= kMaxCachedIds) {
      cache_.clear();
      cache_ids_.clear();
    }
    const auto offset = static_cast<uint32_t>(cache_ids_.size());
    cache_ids_.insert(cache_ids_.end(), symbols.begin(), symbols.end());
    cache_.emplace(std::string(word),
                   std::make_pair(offset, static_cast<uint32_t>(symbols.size())));
  }
}

}  // namespace terse
