#include "tokenizers/char_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "core/utf8.h"

namespace terse {
namespace {

constexpr const char* kSpecialTokens[CharTokenizer::kNumSpecial] = {
    CharTokenizer::kPad, CharTokenizer::kBos, CharTokenizer::kEos, CharTokenizer::kUnk};
constexpr int32_t kUnkId = 3;

absl::Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::PermissionDeniedError(absl::StrCat(path.string(), ": cannot write"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CharTokenizer>> CharTokenizer::create(
    absl::string_view alphabet, const std::vector<std::string>& added_tokens) {
  if (alphabet.empty()) return absl::InvalidArgumentError("the character alphabet is empty");
  if (!utf8_is_valid(alphabet)) {
    return absl::InvalidArgumentError("the character alphabet is not valid UTF-8");
  }
  std::vector<std::string> tokens(std::begin(kSpecialTokens), std::end(kSpecialTokens));
  absl::flat_hash_map<std::string, int32_t> seen;
  for (const std::string& special : tokens) seen.emplace(special, 0);
  for (size_t pos = 0; pos < alphabet.size();) {
    const size_t length = utf8_char_length(alphabet, pos);
    std::string character(alphabet.substr(pos, length));
    pos += length;
    if (seen.emplace(character, static_cast<int32_t>(tokens.size())).second) {
      tokens.push_back(std::move(character));
    }
  }
  const auto first_added = static_cast<int32_t>(tokens.size());
  for (const std::string& token : added_tokens) {
    if (token.empty() || !utf8_is_valid(token)) {
      return absl::InvalidArgumentError("an added token is empty or not valid UTF-8");
    }
    if (!seen.emplace(token, static_cast<int32_t>(tokens.size())).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "added token \"", token, "\" is already a special token, a character or added"));
    }
    tokens.push_back(token);
  }
  return std::unique_ptr<CharTokenizer>(new CharTokenizer(std::move(tokens), first_added));
}

CharTokenizer::CharTokenizer(std::vector<std::string> tokens, int32_t first_added)
    : tokens_(std::move(tokens)), first_added_(first_added) {
  ascii_ids_.fill(-1);
  for (int32_t id = 0; id < static_cast<int32_t>(tokens_.size()); ++id) {
    ids_.emplace(tokens_[id], id);
    if (id >= kNumSpecial && id < first_added_ && tokens_[id].size() == 1) {
      ascii_ids_[static_cast<unsigned char>(tokens_[id][0])] = id;
    }
    if (id < kNumSpecial || id >= first_added_) {
      whole_ids_.push_back(id);
      starts_whole_[static_cast<unsigned char>(tokens_[id][0])] = true;
    }
  }
  special_ids_ = SpecialTokenIds{1, 2, 0, kUnkId};
}

void CharTokenizer::encode_chars(absl::string_view text, std::vector<int32_t>* ids) const {
  for (size_t pos = 0; pos < text.size();) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      const int32_t id = ascii_ids_[byte];
      ids->push_back(id >= 0 ? id : kUnkId);
      ++pos;
      continue;
    }
    const size_t length = utf8_char_length(text, pos);
    auto it = ids_.find(text.substr(pos, length));
    const bool is_char = it != ids_.end() && it->second >= kNumSpecial && it->second < first_added_;
    ids->push_back(is_char ? it->second : kUnkId);
    pos += length;
  }
}

std::vector<int32_t> CharTokenizer::encode(absl::string_view text) const {
  return encode_matching(text, /*match_special=*/false);
}

std::vector<int32_t> CharTokenizer::encode_with_special(absl::string_view text) const {
  return encode_matching(text, /*match_special=*/true);
}

int32_t CharTokenizer::longest_token_at(absl::string_view text, size_t pos,
                                        bool match_special) const {
  int32_t match = -1;
  for (const int32_t id : whole_ids_) {
    if (!match_special && id < kNumSpecial) continue;
    if (absl::StartsWith(text.substr(pos), tokens_[id]) &&
        (match < 0 || tokens_[id].size() > tokens_[match].size())) {
      match = id;
    }
  }
  return match;
}

std::vector<int32_t> CharTokenizer::encode_matching(absl::string_view text,
                                                    bool match_special) const {
  std::string repaired;
  if (!utf8_is_valid(text)) {
    repaired = utf8_make_valid(text);
    text = repaired;
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size());
  size_t plain_start = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (!starts_whole_[static_cast<unsigned char>(text[pos])]) continue;
    const int32_t match = longest_token_at(text, pos, match_special);
    if (match < 0) continue;
    encode_chars(text.substr(plain_start, pos - plain_start), &ids);
    ids.push_back(match);
    pos += tokens_[match].size() - 1;
    plain_start = pos + 1;
  }
  encode_chars(text.substr(plain_start), &ids);
  return ids;
}

std::string CharTokenizer::decode_ids(absl::Span<const int32_t> ids, bool skip_special) const {
  std::string out;
  for (const int32_t id : ids) {
    if (id < 0 || id >= vocab_size() || (skip_special && is_special(id))) continue;
    out += tokens_[id];
  }
  return out;
}

std::optional<int32_t> CharTokenizer::token_to_id(absl::string_view token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string CharTokenizer::id_to_token(int32_t id) const {
  return id >= 0 && id < vocab_size() ? tokens_[id] : std::string();
}

std::string CharTokenizer::tokenizer_json() const {
  using Json = nlohmann::ordered_json;
  Json added = Json::array();
  for (const int32_t id : whole_ids_) {
    added.push_back({{"id", id},
                     {"content", tokens_[id]},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", id < kNumSpecial}});
  }
  Json vocab = Json::object();
  for (int32_t id = 0; id < vocab_size(); ++id) vocab[tokens_[id]] = id;
  // A BPE model without merges encodes every character on its own: a character tokenizer that
  // any Hugging Face implementation reads.
  const Json model = {{"type", "BPE"},
                      {"dropout", nullptr},
                      {"unk_token", kUnk},
                      {"continuing_subword_prefix", nullptr},
                      {"end_of_word_suffix", nullptr},
                      {"fuse_unk", false},
                      {"byte_fallback", false},
                      {"ignore_merges", false},
                      {"vocab", vocab},
                      {"merges", Json::array()}};
  const Json root = {
      {"version", "1.0"},          {"truncation", nullptr},         {"padding", nullptr},
      {"added_tokens", added},     {"normalizer", nullptr},         {"pre_tokenizer", nullptr},
      {"post_processor", nullptr}, {"decoder", {{"type", "Fuse"}}}, {"model", model}};
  return root.dump(2) + "\n";
}

std::string CharTokenizer::tokenizer_config_json() const {
  const nlohmann::ordered_json config = {{"tokenizer_class", "PreTrainedTokenizerFast"},
                                         {"bos_token", kBos},
                                         {"eos_token", kEos},
                                         {"pad_token", kPad},
                                         {"unk_token", kUnk},
                                         {"clean_up_tokenization_spaces", false},
                                         {"model_max_length", 1000000}};
  return config.dump(2) + "\n";
}

absl::Status CharTokenizer::save(const std::string& directory) const {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat(directory, ": cannot create the directory: ", ec.message()));
  }
  const std::filesystem::path dir(directory);
  TERSE_RETURN_IF_ERROR(write_file(dir / "tokenizer.json", tokenizer_json()));
  return write_file(dir / "tokenizer_config.json", tokenizer_config_json());
}

}  // namespace terse
