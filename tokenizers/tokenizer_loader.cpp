#include "tokenizers/tokenizer_loader.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"
#include "tokenizers/bpe_tokenizer.h"

namespace terse {
namespace {

using Json = nlohmann::json;

// Reads one tokenizer.json; every error names the file and the JSON path.
class TokenizerJsonReader {
 public:
  explicit TokenizerJsonReader(absl::string_view source) : source_(source) {}

  absl::StatusOr<std::unique_ptr<Tokenizer>> read(const Json& root, const Json* config) const;

 private:
  absl::Status error(absl::string_view path, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ": ", path, ": ", what));
  }
  absl::Status unsupported(absl::string_view path, absl::string_view kind, absl::string_view name,
                           absl::string_view supported) const {
    return error(path, absl::StrCat("unsupported ", kind, " type \"", name,
                                    "\"; terse reads these: ", supported));
  }

  absl::StatusOr<std::string> string_at(const Json& node, absl::string_view path) const;
  absl::StatusOr<bool> bool_member(const Json& object, const char* key, absl::string_view path,
                                   bool fallback) const;
  absl::StatusOr<std::string> type_of(const Json& object, absl::string_view path) const;

  absl::StatusOr<std::unique_ptr<BpeModel>> read_model(const Json& model, bool byte_level) const;
  absl::Status read_vocab(const Json& vocab,
                          std::vector<std::pair<std::string, int32_t>>* out) const;
  absl::Status read_merges(const Json& merges,
                           std::vector<std::pair<std::string, std::string>>* out) const;
  absl::Status read_normalizer(const Json& node, absl::string_view path,
                               std::vector<UnicodeForm>* forms) const;
  absl::Status read_pre_tokenizer(const Json& node, absl::string_view path,
                                  PreTokenizer* pre_tokenizer) const;
  absl::Status read_split(const Json& node, absl::string_view path,
                          PreTokenizer* pre_tokenizer) const;
  absl::StatusOr<DecoderKind> read_decoder(const Json& node, absl::string_view path) const;
  absl::StatusOr<AddedVocabulary> read_added_tokens(const Json& node) const;
  absl::Status read_special_ids(const Json& config, const Tokenizer& tokenizer,
                                SpecialTokenIds* ids) const;

  std::string source_;
};

const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

absl::StatusOr<std::string> TokenizerJsonReader::string_at(const Json& node,
                                                           absl::string_view path) const {
  if (!node.is_string()) {
    return error(path, absl::StrCat("expected a string, found ", node.type_name()));
  }
  return node.get<std::string>();
}

absl::StatusOr<bool> TokenizerJsonReader::bool_member(const Json& object, const char* key,
                                                      absl::string_view path, bool fallback) const {
  const Json* value = member(object, key);
  if (value == nullptr || value->is_null()) return fallback;
  if (!value->is_boolean()) {
    return error(absl::StrCat(path, ".", key),
                 absl::StrCat("expected true or false, found ", value->type_name()));
  }
  return value->get<bool>();
}

absl::StatusOr<std::string> TokenizerJsonReader::type_of(const Json& object,
                                                         absl::string_view path) const {
  if (!object.is_object()) {
    return error(path, absl::StrCat("expected an object, found ", object.type_name()));
  }
  const Json* type = member(object, "type");
  if (type == nullptr) return error(path, "has no \"type\"");
  return string_at(*type, absl::StrCat(path, ".type"));
}

absl::Status TokenizerJsonReader::read_vocab(
    const Json& vocab, std::vector<std::pair<std::string, int32_t>>* out) const {
  if (!vocab.is_object()) {
    return error("model.vocab",
                 absl::StrCat("expected an object of token: id, found ", vocab.type_name()));
  }
  out->reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer()) {
      return error(absl::StrCat("model.vocab[\"", it.key(), "\"]"),
                   absl::StrCat("expected an integer id, found ", it.value().type_name()));
    }
    const int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > INT32_MAX) {
      return error(absl::StrCat("model.vocab[\"", it.key(), "\"]"),
                   absl::StrCat("id ", id, " is out of range"));
    }
    out->emplace_back(it.key(), static_cast<int32_t>(id));
  }
  return absl::OkStatus();
}

absl::Status TokenizerJsonReader::read_merges(
    const Json& merges, std::vector<std::pair<std::string, std::string>>* out) const {
  if (!merges.is_array()) {
    return error("model.merges", absl::StrCat("expected an array, found ", merges.type_name()));
  }
  out->reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json& merge = merges[i];
    const std::string path = absl::StrCat("model.merges[", i, "]");
    if (merge.is_string()) {
      // The older form: "left right", one space between two tokens that contain none.
      const std::string& text = merge.get_ref<const std::string&>();
      const size_t space = text.find(' ');
      if (space == std::string::npos || space == 0 || space + 1 == text.size() ||
          text.find(' ', space + 1) != std::string::npos) {
        return error(path, absl::StrCat("\"", text, "\" is not two tokens separated by one space"));
      }
      out->emplace_back(text.substr(0, space), text.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
               merge[1].is_string()) {
      out->emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      return error(path, absl::StrCat("expected \"left right\" or [\"left\", \"right\"], found ",
                                      merge.dump()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<BpeModel>> TokenizerJsonReader::read_model(const Json& model,
                                                                          bool byte_level) const {
  if (!model.is_object()) {
    return error("model", absl::StrCat("expected an object, found ", model.type_name()));
  }
  // Older files leave out the type of a BPE model.
  const Json* type = member(model, "type");
  if (type != nullptr) {
    TERSE_ASSIGN_OR_RETURN(const std::string name, string_at(*type, "model.type"));
    if (name != "BPE") return unsupported("model.type", "model", name, "BPE");
  }
  const Json* vocab = member(model, "vocab");
  if (vocab == nullptr) return error("model", "has no \"vocab\"; a BPE model needs one");
  const Json* merges = member(model, "merges");
  if (merges == nullptr) {
    return error("model", "has no \"merges\"; a BPE model needs one (an empty list is fine)");
  }
  if (const Json* dropout = member(model, "dropout");
      dropout != nullptr && !dropout->is_null() &&
      !(dropout->is_number() && dropout->get<double>() == 0.0)) {
    return error("model.dropout", "BPE dropout is not supported; set it to null");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const Json* value = member(model, key);
    if (value != nullptr && !value->is_null() &&
        !(value->is_string() && value->get<std::string>().empty())) {
      return error(absl::StrCat("model.", key), "is not supported; set it to null or \"\"");
    }
  }
  TERSE_ASSIGN_OR_RETURN(const bool byte_fallback,
                         bool_member(model, "byte_fallback", "model", false));
  if (byte_fallback) {
    return error("model.byte_fallback", "byte fallback (SentencePiece-style BPE) is not supported");
  }
  BpeModelOptions options;
  options.byte_level = byte_level;
  TERSE_ASSIGN_OR_RETURN(options.ignore_merges,
                         bool_member(model, "ignore_merges", "model", false));
  TERSE_ASSIGN_OR_RETURN(options.fuse_unk, bool_member(model, "fuse_unk", "model", false));
  if (const Json* unk = member(model, "unk_token"); unk != nullptr && !unk->is_null()) {
    TERSE_ASSIGN_OR_RETURN(options.unk_token, string_at(*unk, "model.unk_token"));
  }
  std::vector<std::pair<std::string, int32_t>> vocab_entries;
  TERSE_RETURN_IF_ERROR(read_vocab(*vocab, &vocab_entries));
  std::vector<std::pair<std::string, std::string>> merge_pairs;
  TERSE_RETURN_IF_ERROR(read_merges(*merges, &merge_pairs));
  auto bpe = BpeModel::create(std::move(vocab_entries), merge_pairs, std::move(options));
  if (!bpe.ok())
    return absl::InvalidArgumentError(absl::StrCat(source_, ": ", bpe.status().message()));
  return std::move(bpe).value();
}

absl::Status TokenizerJsonReader::read_normalizer(const Json& node, absl::string_view path,
                                                  std::vector<UnicodeForm>* forms) const {
  TERSE_ASSIGN_OR_RETURN(const std::string type, type_of(node, path));
  if (type == "NFC") {
    forms->push_back(UnicodeForm::kNfc);
  } else if (type == "NFD") {
    forms->push_back(UnicodeForm::kNfd);
  } else if (type == "NFKC") {
    forms->push_back(UnicodeForm::kNfkc);
  } else if (type == "NFKD") {
    forms->push_back(UnicodeForm::kNfkd);
  } else if (type == "Sequence") {
    const Json* list = member(node, "normalizers");
    if (list == nullptr || !list->is_array()) {
      return error(path, "a Sequence needs an array \"normalizers\"");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      TERSE_RETURN_IF_ERROR(
          read_normalizer((*list)[i], absl::StrCat(path, ".normalizers[", i, "]"), forms));
    }
  } else {
    return unsupported(absl::StrCat(path, ".type"), "normalizer", type,
                       "NFC, NFD, NFKC, NFKD, Sequence");
  }
  return absl::OkStatus();
}

absl::Status TokenizerJsonReader::read_split(const Json& node, absl::string_view path,
                                             PreTokenizer* pre_tokenizer) const {
  const Json* pattern = member(node, "pattern");
  if (pattern == nullptr || !pattern->is_object()) {
    return error(path, "a Split needs \"pattern\": {\"Regex\": ...} or {\"String\": ...}");
  }
  std::string regex_text;
  if (const Json* regex = member(*pattern, "Regex")) {
    TERSE_ASSIGN_OR_RETURN(regex_text, string_at(*regex, absl::StrCat(path, ".pattern.Regex")));
  } else if (const Json* literal = member(*pattern, "String")) {
    TERSE_ASSIGN_OR_RETURN(const std::string text,
                           string_at(*literal, absl::StrCat(path, ".pattern.String")));
    regex_text = UnicodeRegex::escape(text);
  } else {
    return error(absl::StrCat(path, ".pattern"), "expected a \"Regex\" or \"String\" key");
  }
  auto regex = UnicodeRegex::compile(regex_text);
  if (!regex.ok()) return error(absl::StrCat(path, ".pattern"), regex.status().message());

  const Json* behavior_node = member(node, "behavior");
  if (behavior_node == nullptr) return error(path, "a Split needs \"behavior\"");
  TERSE_ASSIGN_OR_RETURN(const std::string behavior_name,
                         string_at(*behavior_node, absl::StrCat(path, ".behavior")));
  SplitBehavior behavior;
  if (behavior_name == "Isolated") {
    behavior = SplitBehavior::kIsolated;
  } else if (behavior_name == "Removed") {
    behavior = SplitBehavior::kRemoved;
  } else if (behavior_name == "MergedWithPrevious") {
    behavior = SplitBehavior::kMergedWithPrevious;
  } else if (behavior_name == "MergedWithNext") {
    behavior = SplitBehavior::kMergedWithNext;
  } else if (behavior_name == "Contiguous") {
    behavior = SplitBehavior::kContiguous;
  } else {
    return error(absl::StrCat(path, ".behavior"),
                 absl::StrCat("unknown behavior \"", behavior_name,
                              "\"; expected Isolated, Removed, MergedWithPrevious, "
                              "MergedWithNext or Contiguous"));
  }
  TERSE_ASSIGN_OR_RETURN(const bool invert, bool_member(node, "invert", path, false));
  absl::Status status = pre_tokenizer->add_split(std::move(*regex), behavior, invert);
  if (!status.ok()) return error(path, status.message());
  return absl::OkStatus();
}

absl::Status TokenizerJsonReader::read_pre_tokenizer(const Json& node, absl::string_view path,
                                                     PreTokenizer* pre_tokenizer) const {
  TERSE_ASSIGN_OR_RETURN(const std::string type, type_of(node, path));
  absl::Status status;
  if (type == "Sequence") {
    const Json* list = member(node, "pretokenizers");
    if (list == nullptr || !list->is_array()) {
      return error(path, "a Sequence needs an array \"pretokenizers\"");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      TERSE_RETURN_IF_ERROR(read_pre_tokenizer(
          (*list)[i], absl::StrCat(path, ".pretokenizers[", i, "]"), pre_tokenizer));
    }
  } else if (type == "Split") {
    return read_split(node, path, pre_tokenizer);
  } else if (type == "ByteLevel") {
    TERSE_ASSIGN_OR_RETURN(const bool add_prefix_space,
                           bool_member(node, "add_prefix_space", path, true));
    TERSE_ASSIGN_OR_RETURN(const bool use_regex, bool_member(node, "use_regex", path, true));
    status = pre_tokenizer->add_byte_level(add_prefix_space, use_regex);
  } else if (type == "Digits") {
    TERSE_ASSIGN_OR_RETURN(const bool individual,
                           bool_member(node, "individual_digits", path, false));
    status = pre_tokenizer->add_digits(individual);
  } else {
    return unsupported(absl::StrCat(path, ".type"), "pre-tokenizer", type,
                       "Split, ByteLevel, Digits, Sequence");
  }
  if (!status.ok()) return error(path, status.message());
  return absl::OkStatus();
}

absl::StatusOr<DecoderKind> TokenizerJsonReader::read_decoder(const Json& node,
                                                              absl::string_view path) const {
  if (node.is_null()) return DecoderKind::kJoin;
  TERSE_ASSIGN_OR_RETURN(const std::string type, type_of(node, path));
  if (type == "ByteLevel") return DecoderKind::kByteLevel;
  if (type == "Fuse") return DecoderKind::kFuse;
  if (type == "Sequence") {
    // A sequence of one decoder is that decoder.
    const Json* list = member(node, "decoders");
    if (list != nullptr && list->is_array() && list->size() == 1) {
      return read_decoder((*list)[0], absl::StrCat(path, ".decoders[0]"));
    }
  }
  return unsupported(absl::StrCat(path, ".type"), "decoder", type, "ByteLevel, Fuse, or null");
}

absl::StatusOr<AddedVocabulary> TokenizerJsonReader::read_added_tokens(const Json& node) const {
  if (node.is_null()) return AddedVocabulary();
  if (!node.is_array()) {
    return error("added_tokens", absl::StrCat("expected an array, found ", node.type_name()));
  }
  std::vector<AddedToken> tokens;
  absl::flat_hash_map<int32_t, size_t> seen_ids;
  absl::flat_hash_map<std::string, size_t> seen_contents;
  for (size_t i = 0; i < node.size(); ++i) {
    const Json& entry = node[i];
    const std::string path = absl::StrCat("added_tokens[", i, "]");
    if (!entry.is_object()) {
      return error(path, absl::StrCat("expected an object, found ", entry.type_name()));
    }
    const Json* id = member(entry, "id");
    if (id == nullptr || !id->is_number_integer() || id->get<int64_t>() < 0 ||
        id->get<int64_t>() > INT32_MAX) {
      return error(path, "needs a non-negative integer \"id\"");
    }
    const Json* content = member(entry, "content");
    if (content == nullptr) return error(path, "needs a \"content\" string");
    AddedToken token;
    token.id = id->get<int32_t>();
    TERSE_ASSIGN_OR_RETURN(token.content, string_at(*content, absl::StrCat(path, ".content")));
    if (token.content.empty()) return error(path, "has an empty \"content\"");
    TERSE_ASSIGN_OR_RETURN(token.special, bool_member(entry, "special", path, false));
    TERSE_ASSIGN_OR_RETURN(token.single_word, bool_member(entry, "single_word", path, false));
    TERSE_ASSIGN_OR_RETURN(token.lstrip, bool_member(entry, "lstrip", path, false));
    TERSE_ASSIGN_OR_RETURN(token.rstrip, bool_member(entry, "rstrip", path, false));
    TERSE_ASSIGN_OR_RETURN(token.normalized,
                           bool_member(entry, "normalized", path, !token.special));
    if (auto [it, fresh] = seen_ids.emplace(token.id, i); !fresh) {
      return error(
          path, absl::StrCat("id ", token.id, " is also used by added_tokens[", it->second, "]"));
    }
    if (auto [it, fresh] = seen_contents.emplace(token.content, i); !fresh) {
      return error(path,
                   absl::StrCat("\"", token.content, "\" is also added_tokens[", it->second, "]"));
    }
    tokens.push_back(std::move(token));
  }
  return AddedVocabulary(std::move(tokens));
}

absl::Status TokenizerJsonReader::read_special_ids(const Json& config, const Tokenizer& tokenizer,
                                                   SpecialTokenIds* ids) const {
  if (!config.is_object()) return absl::OkStatus();
  const std::pair<const char*, std::optional<int32_t>*> roles[] = {{"bos_token", &ids->bos},
                                                                   {"eos_token", &ids->eos},
                                                                   {"pad_token", &ids->pad},
                                                                   {"unk_token", &ids->unk}};
  for (const auto& [key, slot] : roles) {
    const Json* value = member(config, key);
    if (value == nullptr || value->is_null()) continue;
    // Either the token itself or an AddedToken object with its "content".
    const Json* content = value->is_object() ? member(*value, "content") : value;
    if (content == nullptr || !content->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(source_, " (tokenizer_config.json): ", key,
                                                     ": expected a token string or an object "
                                                     "with \"content\""));
    }
    const std::string token = content->get<std::string>();
    *slot = tokenizer.token_to_id(token);
    if (!*slot) {
      return absl::InvalidArgumentError(absl::StrCat(source_, " (tokenizer_config.json): ", key,
                                                     ": \"", token,
                                                     "\" is not a token of this tokenizer"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Tokenizer>> TokenizerJsonReader::read(const Json& root,
                                                                     const Json* config) const {
  if (!root.is_object()) {
    return error("(root)", absl::StrCat("expected a JSON object, found ", root.type_name()));
  }
  BpeTokenizerParts parts;
  if (const Json* normalizer = member(root, "normalizer");
      normalizer != nullptr && !normalizer->is_null()) {
    std::vector<UnicodeForm> forms;
    TERSE_RETURN_IF_ERROR(read_normalizer(*normalizer, "normalizer", &forms));
    parts.normalizer = Normalizer(std::move(forms));
  }
  if (const Json* pre = member(root, "pre_tokenizer"); pre != nullptr && !pre->is_null()) {
    TERSE_RETURN_IF_ERROR(read_pre_tokenizer(*pre, "pre_tokenizer", &parts.pre_tokenizer));
  }
  const Json* model = member(root, "model");
  if (model == nullptr) return error("(root)", "has no \"model\"; is this a tokenizer.json?");
  TERSE_ASSIGN_OR_RETURN(parts.model, read_model(*model, parts.pre_tokenizer.byte_level()));
  const Json* decoder = member(root, "decoder");
  TERSE_ASSIGN_OR_RETURN(parts.decoder,
                         read_decoder(decoder != nullptr ? *decoder : Json(nullptr), "decoder"));
  const Json* added = member(root, "added_tokens");
  TERSE_ASSIGN_OR_RETURN(parts.added, read_added_tokens(added != nullptr ? *added : Json(nullptr)));
  parts.special_ids.unk = parts.model->unk_id();
  auto tokenizer = BpeTokenizer::create(std::move(parts));
  if (!tokenizer.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source_, ": ", tokenizer.status().message()));
  }
  if (config != nullptr) {
    SpecialTokenIds ids = (*tokenizer)->special_ids();
    TERSE_RETURN_IF_ERROR(read_special_ids(*config, **tokenizer, &ids));
    (*tokenizer)->set_special_ids(ids);
  }
  return std::unique_ptr<Tokenizer>(std::move(tokenizer).value());
}

absl::StatusOr<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path.string(), ": cannot open the file"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path.string(), ": read error"));
  return buffer.str();
}

absl::StatusOr<Json> parse_json(absl::string_view text, absl::string_view source) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // nlohmann's message carries the line and column.
    return absl::InvalidArgumentError(absl::StrCat(source, ": invalid JSON: ", e.what()));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Tokenizer>> parse_tokenizer_json(absl::string_view json_text,
                                                                absl::string_view config_text,
                                                                absl::string_view source) {
  TERSE_ASSIGN_OR_RETURN(const Json root, parse_json(json_text, source));
  Json config;
  if (!config_text.empty()) {
    TERSE_ASSIGN_OR_RETURN(
        config, parse_json(config_text, absl::StrCat(source, " (tokenizer_config.json)")));
  }
  return TokenizerJsonReader(source).read(root, config_text.empty() ? nullptr : &config);
}

absl::StatusOr<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& path) {
  std::filesystem::path file(path);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "tokenizer.json";
  if (!std::filesystem::exists(file, ec)) {
    return absl::NotFoundError(
        absl::StrCat(file.string(),
                     ": no such tokenizer file; give the tokenizer.json of a Hugging Face model "
                     "or its directory (scripts/fetch_tokenizers.sh downloads Qwen3's and "
                     "Llama 3's)"));
  }
  TERSE_ASSIGN_OR_RETURN(const std::string text, read_file(file));
  std::string config_text;
  const std::filesystem::path config_file = file.parent_path() / "tokenizer_config.json";
  if (std::filesystem::exists(config_file, ec)) {
    TERSE_ASSIGN_OR_RETURN(config_text, read_file(config_file));
  }
  return parse_tokenizer_json(text, config_text, file.string());
}

}  // namespace terse
