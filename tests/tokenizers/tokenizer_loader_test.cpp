// load_tokenizer() on small tokenizer.json files: what it accepts, and the errors that malformed
// or unsupported files give (each must name the file and the JSON path at fault).
#include "tokenizers/tokenizer_loader.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/tokenizers/tokenizer_test_util.h"

namespace terse {
namespace {

using Json = nlohmann::json;

// A valid byte-level BPE tokenizer.json: vocab a b c ab abc Ġ Ġa and one special token.
Json small_tokenizer() {
  return Json::parse(R"({
    "version": "1.0",
    "added_tokens": [{"id": 7, "content": "<|end|>", "special": true, "normalized": false,
                      "lstrip": false, "rstrip": false, "single_word": false}],
    "normalizer": {"type": "NFC"},
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
      {"type": "Split", "pattern": {"Regex": " ?\\p{L}+|\\s+"}, "behavior": "Isolated",
       "invert": false},
      {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
    "post_processor": null,
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "dropout": null, "unk_token": null, "ignore_merges": false,
              "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4, "Ġ": 5, "Ġa": 6},
              "merges": ["a b", "ab c", "Ġ a"]}
  })");
}

absl::StatusOr<std::unique_ptr<Tokenizer>> parse(const Json& json) {
  return parse_tokenizer_json(json.dump(), "", "test/tokenizer.json");
}

// Expects `json` to be rejected with InvalidArgument and a message holding every fragment.
void expect_error(const Json& json, const std::vector<std::string>& fragments) {
  auto tokenizer = parse(json);
  REQUIRE_FALSE(tokenizer.ok());
  const std::string message(tokenizer.status().message());
  INFO(message);
  CHECK(tokenizer.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(message.find("test/tokenizer.json") != std::string::npos);
  for (const std::string& fragment : fragments) CHECK(message.find(fragment) != std::string::npos);
}

TEST_CASE("A small tokenizer.json loads and encodes", "[tokenizer]") {
  auto tokenizer = parse(small_tokenizer());
  REQUIRE(tokenizer.ok());
  const Tokenizer& t = **tokenizer;
  CHECK(t.vocab_size() == 8);
  // "abc a<|end|>": pieces "abc", " a"; then the special token.
  CHECK(t.encode_with_special("abc a<|end|>") == std::vector<int32_t>{4, 6, 7});
  CHECK(t.decode({4, 6, 7}) == "abc a<|end|>");
  CHECK(t.decode({4, 6, 7}, /*skip_special=*/true) == "abc a");
  CHECK(t.id_to_token(6) == "Ġa");
  CHECK(t.token_to_id("Ġa") == 6);
}

TEST_CASE("Merges as [left, right] pairs equal merges as strings", "[tokenizer]") {
  Json pairs = small_tokenizer();
  pairs["model"]["merges"] = Json::parse(R"([["a", "b"], ["ab", "c"], ["Ġ", "a"]])");
  auto from_pairs = parse(pairs);
  auto from_strings = parse(small_tokenizer());
  REQUIRE(from_pairs.ok());
  REQUIRE(from_strings.ok());
  for (const char* text : {"abc", "ab cab", " a b c abcabc"}) {
    CHECK((*from_pairs)->encode(text) == (*from_strings)->encode(text));
  }
}

TEST_CASE("Malformed tokenizer files give errors naming the file and the place", "[tokenizer]") {
  SECTION("invalid JSON") {
    auto tokenizer = parse_tokenizer_json("{\"model\": {", "", "test/tokenizer.json");
    REQUIRE_FALSE(tokenizer.ok());
    CHECK(tokenizer.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string message(tokenizer.status().message());
    CHECK(message.find("test/tokenizer.json: invalid JSON") != std::string::npos);
    CHECK(message.find("line 1") != std::string::npos);
  }
  SECTION("not an object") { expect_error(Json::array(), {"(root)", "expected a JSON object"}); }
  SECTION("no model") {
    Json json = small_tokenizer();
    json.erase("model");
    expect_error(json, {"no \"model\""});
  }
  SECTION("missing vocab") {
    Json json = small_tokenizer();
    json["model"].erase("vocab");
    expect_error(json, {"model: has no \"vocab\""});
  }
  SECTION("a huge id (found by fuzzing: it asked for gigabytes)") {
    Json json = small_tokenizer();
    json["model"]["vocab"]["zzz"] = 88888888;
    expect_error(json, {"model.vocab: id 88888888 is far beyond", "ids must be dense"});
  }
  SECTION("missing merges") {
    Json json = small_tokenizer();
    json["model"].erase("merges");
    expect_error(json, {"model: has no \"merges\""});
  }
  SECTION("unknown model type") {
    Json json = small_tokenizer();
    json["model"]["type"] = "WordPiece";
    expect_error(json, {"model.type", "unsupported model type \"WordPiece\"", "BPE"});
  }
  SECTION("unknown pre-tokenizer type") {
    Json json = small_tokenizer();
    json["pre_tokenizer"]["pretokenizers"][0] = {{"type", "Metaspace"}};
    expect_error(json, {"pre_tokenizer.pretokenizers[0].type",
                        "unsupported pre-tokenizer type \"Metaspace\""});
  }
  SECTION("unknown normalizer type") {
    Json json = small_tokenizer();
    json["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "Lowercase"}}}}};
    expect_error(json, {"normalizer.normalizers[0].type", "\"Lowercase\""});
  }
  SECTION("unknown decoder type") {
    Json json = small_tokenizer();
    json["decoder"] = {{"type", "WordPiece"}};
    expect_error(json, {"decoder.type", "\"WordPiece\""});
  }
  SECTION("invalid split regex") {
    Json json = small_tokenizer();
    json["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(unclosed";
    expect_error(json, {"pre_tokenizer.pretokenizers[0].pattern", "(unclosed"});
  }
  SECTION("unknown split behavior") {
    Json json = small_tokenizer();
    json["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Sideways";
    expect_error(json, {"pre_tokenizer.pretokenizers[0].behavior", "Sideways"});
  }
  SECTION("a step after ByteLevel") {
    Json json = small_tokenizer();
    json["pre_tokenizer"]["pretokenizers"].push_back({{"type", "Digits"}});
    expect_error(json, {"pre_tokenizer.pretokenizers[2]", "ByteLevel"});
  }
  SECTION("a merge whose result is not in the vocabulary") {
    Json json = small_tokenizer();
    json["model"]["merges"].push_back("b c");
    expect_error(json, {"model.merges[3]", "\"bc\" is not in model.vocab"});
  }
  SECTION("a merge string that is not two tokens") {
    Json json = small_tokenizer();
    json["model"]["merges"][1] = "abc";
    expect_error(json, {"model.merges[1]", "two tokens"});
  }
  SECTION("a vocab id that is not an integer") {
    Json json = small_tokenizer();
    json["model"]["vocab"]["c"] = "two";
    expect_error(json, {"model.vocab[\"c\"]", "integer"});
  }
  SECTION("two tokens with one id") {
    Json json = small_tokenizer();
    json["model"]["vocab"]["c"] = 1;
    expect_error(json, {"model.vocab", "id 1"});
  }
  SECTION("byte fallback") {
    Json json = small_tokenizer();
    json["model"]["byte_fallback"] = true;
    expect_error(json, {"model.byte_fallback"});
  }
  SECTION("added tokens sharing an id") {
    Json json = small_tokenizer();
    json["added_tokens"].push_back({{"id", 7}, {"content", "<|other|>"}});
    expect_error(json, {"added_tokens[1]", "id 7"});
  }
  SECTION("a boolean that is not one") {
    Json json = small_tokenizer();
    json["added_tokens"][0]["special"] = "yes";
    expect_error(json, {"added_tokens[0].special", "true or false"});
  }
  SECTION("an eos token the tokenizer lacks") {
    auto tokenizer = parse_tokenizer_json(small_tokenizer().dump(), R"({"eos_token": "</s>"})",
                                          "test/tokenizer.json");
    REQUIRE_FALSE(tokenizer.ok());
    const std::string message(tokenizer.status().message());
    CHECK(message.find("eos_token") != std::string::npos);
    CHECK(message.find("</s>") != std::string::npos);
  }
}

TEST_CASE("load_tokenizer reads a file or its directory, with tokenizer_config.json",
          "[tokenizer]") {
  const std::string dir = test::make_temp_dir("terse_tokenizer_");
  {
    std::ofstream(dir + "/tokenizer.json") << small_tokenizer().dump();
    std::ofstream(dir + "/tokenizer_config.json")
        << R"({"eos_token": {"content": "<|end|>", "__type": "AddedToken"}, "pad_token": "<|end|>", "bos_token": null})";
  }
  for (const std::string& path : {dir, dir + "/tokenizer.json"}) {
    auto tokenizer = load_tokenizer(path);
    INFO(tokenizer.status().ToString());
    REQUIRE(tokenizer.ok());
    CHECK((*tokenizer)->special_ids().eos == 7);
    CHECK((*tokenizer)->special_ids().pad == 7);
    CHECK_FALSE((*tokenizer)->special_ids().bos.has_value());
  }
  auto missing = load_tokenizer(dir + "/nope/tokenizer.json");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()).find("nope/tokenizer.json") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace terse
