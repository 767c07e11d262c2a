// `terse tokenize`: token ids for text on standard input, one JSON document per line.
//   encode: {"text": "..."}  ->  [id, id, ...]
//   decode: [id, id, ...]    ->  {"text": "..."}      (with --decode)
// Special tokens written in the text become their ids (as Hugging Face's encode with
// add_special_tokens=False); nothing is added at either end.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "core/status.h"
#include "tokenizers/tokenizer_loader.h"

namespace terse {
namespace {

using Json = nlohmann::json;

class TokenizeCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--tokenizer", tokenizer_path_,
                   "A Hugging Face tokenizer.json, or the directory that holds it.")
        ->required();
    app.add_flag("--decode", decode_,
                 "Read one JSON array of ids per line and write {\"text\": ...} lines.");
    app.add_flag("--split-special", split_special_,
                 "Encode special-token text such as <|im_end|> as ordinary text.");
    app.add_flag("--skip-special", skip_special_, "With --decode, leave special tokens out.");
  }

  absl::Status run() override {
    TERSE_ASSIGN_OR_RETURN(tokenizer_, load_tokenizer(tokenizer_path_));
    std::string line;
    for (size_t number = 1; std::getline(std::cin, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      absl::StatusOr<std::string> out = decode_ ? decode_line(line) : encode_line(line);
      if (!out.ok()) {
        return absl::Status(out.status().code(), absl::StrCat("standard input line ", number, ": ",
                                                              out.status().message()));
      }
      std::cout << *out << '\n' << std::flush;
    }
    if (std::cin.bad()) return absl::DataLossError("reading standard input failed");
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<Json> parse(const std::string& line, const char* expected) const {
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return absl::InvalidArgumentError(absl::StrCat("not valid JSON; expected ", expected));
    }
    return json;
  }

  absl::StatusOr<std::string> encode_line(const std::string& line) const {
    constexpr const char* kExpected = "one object {\"text\": \"...\"} per line";
    TERSE_ASSIGN_OR_RETURN(const Json json, parse(line, kExpected));
    if (!json.is_object() || !json.contains("text") || !json["text"].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("expected ", kExpected));
    }
    const std::string& text = json["text"].get_ref<const std::string&>();
    const std::vector<int32_t> ids =
        split_special_ ? tokenizer_->encode(text) : tokenizer_->encode_with_special(text);
    return Json(ids).dump();
  }

  absl::StatusOr<std::string> decode_line(const std::string& line) const {
    constexpr const char* kExpected = "one JSON array of token ids per line";
    TERSE_ASSIGN_OR_RETURN(const Json json, parse(line, kExpected));
    if (!json.is_array()) return absl::InvalidArgumentError(absl::StrCat("expected ", kExpected));
    std::vector<int32_t> ids;
    ids.reserve(json.size());
    for (size_t i = 0; i < json.size(); ++i) {
      const Json& id = json[i];
      if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
          id.get<int64_t>() >= tokenizer_->vocab_size()) {
        return absl::InvalidArgumentError(absl::StrCat("element ", i, " (", id.dump(),
                                                       ") is not a token id in [0, ",
                                                       tokenizer_->vocab_size(), ")"));
      }
      ids.push_back(id.get<int32_t>());
    }
    return Json{{"text", tokenizer_->decode(ids, skip_special_)}}.dump();
  }

  std::string tokenizer_path_;
  bool decode_ = false;
  bool split_special_ = false;
  bool skip_special_ = false;
  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace

std::unique_ptr<Command> make_tokenize_command() { return std::make_unique<TokenizeCommand>(); }

}  // namespace terse
