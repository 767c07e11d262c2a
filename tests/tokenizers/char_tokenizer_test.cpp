// The character tokenizer: its ids against the reference implementation reading the Hugging Face
// files that fixtures/make_tokenizer_fixtures.mjs writes from the format's definition; the files
// terse saves equal those; and load_tokenizer() reads them back with identical ids.
#include "tokenizers/char_tokenizer.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/tokenizers/tokenizer_test_util.h"
#include "tokenizers/tokenizer_loader.h"

namespace terse {
namespace {

using Json = nlohmann::json;

Json read_json(const std::string& path) {
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in.good());
  return Json::parse(in);
}

TEST_CASE("Char tokenizer ids agree with the reference and survive save and load", "[tokenizer]") {
  const std::vector<Json> cases = test::read_jsonl(test::fixture_path("char_ids.jsonl"));
  auto made = CharTokenizer::create(cases.front().at("alphabet").get<std::string>());
  REQUIRE(made.ok());
  const CharTokenizer& chars = **made;

  // The files terse writes are the ones the reference read.
  CHECK(Json::parse(chars.tokenizer_json()) ==
        read_json(test::fixture_path("char_tokenizer/tokenizer.json")));
  CHECK(Json::parse(chars.tokenizer_config_json()) ==
        read_json(test::fixture_path("char_tokenizer/tokenizer_config.json")));

  const std::string dir = test::make_temp_dir("terse_char_tokenizer_");
  REQUIRE(chars.save(dir + "/export").ok());
  auto loaded = load_tokenizer(dir + "/export");
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  const Tokenizer& reloaded = **loaded;
  CHECK(reloaded.vocab_size() == chars.vocab_size());
  CHECK(reloaded.special_ids().eos == chars.special_ids().eos);
  CHECK(reloaded.special_ids().pad == chars.special_ids().pad);
  CHECK(reloaded.special_ids().bos == chars.special_ids().bos);
  CHECK(reloaded.special_ids().unk == chars.special_ids().unk);

  for (const Json& c : cases) {
    const std::string text = c.at("text").get<std::string>();
    INFO(c.at("name").get<std::string>() << ": " << text);
    const auto ids = c.at("ids").get<std::vector<int32_t>>();
    const auto plain_ids = c.at("ids_split_special").get<std::vector<int32_t>>();
    for (const Tokenizer* t : {static_cast<const Tokenizer*>(&chars), &reloaded}) {
      CHECK(t->encode_with_special(text) == ids);
      CHECK(t->encode(text) == plain_ids);
      CHECK(t->decode(ids) == c.at("decoded").get<std::string>());
      CHECK(t->decode(ids, /*skip_special=*/true) ==
            c.at("decoded_skip_special").get<std::string>());
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Char tokenizer round-trips text of its alphabet", "[tokenizer]") {
  auto made = CharTokenizer::create("0123456789+-*=? \nabcé中");
  REQUIRE(made.ok());
  const CharTokenizer& chars = **made;
  CHECK(chars.vocab_size() == CharTokenizer::kNumSpecial + 22);
  const std::string text = "12+3=15 \nabc? é中中";
  const std::vector<int32_t> ids = chars.encode(text);
  CHECK(ids.size() == 17);  // one id per character
  CHECK(chars.decode(ids) == text);
  CHECK(chars.id_to_token(CharTokenizer::kNumSpecial) == "0");
  CHECK(chars.token_to_id("\xE4\xB8\xAD") == CharTokenizer::kNumSpecial + 21);
  CHECK(chars.token_to_id("<eos>") == 2);
  CHECK(chars.is_special(2));
  CHECK_FALSE(chars.is_special(CharTokenizer::kNumSpecial));
  // Ill-formed bytes read as U+FFFD, which the alphabet lacks.
  CHECK(chars.encode("1\xFF") == std::vector<int32_t>{CharTokenizer::kNumSpecial + 1, 3});
  CHECK(CharTokenizer::create("").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(CharTokenizer::create("ab\xC3").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Char tokenizer added tokens are single ids in encode and after save and load",
          "[tokenizer]") {
  auto made = CharTokenizer::create("0123456789+=<>/abehikmnrstw", {"<think>", "</think>"});
  REQUIRE(made.ok());
  const CharTokenizer& chars = **made;
  // 4 special + 27 characters, then the two added tokens.
  REQUIRE(chars.vocab_size() == 33);
  CHECK(chars.token_to_id("<think>") == 31);
  CHECK(chars.token_to_id("</think>") == 32);
  CHECK_FALSE(chars.is_special(31));
  const std::string text = "1+2<think>3</think><eos>";
  const auto c = [&](char ch) { return *chars.token_to_id(std::string(1, ch)); };
  // "<eos>" is special: plain text to encode(), its id to encode_with_special().
  const std::vector<int32_t> plain = {c('1'), c('+'), c('2'), 31,     c('3'), 32,
                                      c('<'), c('e'), 3,      c('s'), c('>')};
  const std::vector<int32_t> with_special = {c('1'), c('+'), c('2'), 31, c('3'), 32, 2};
  // 'o' is outside the alphabet: <unk> (3).
  CHECK(chars.encode(text) == plain);
  CHECK(chars.encode_with_special(text) == with_special);
  CHECK(chars.decode(with_special, /*skip_special=*/true) == "1+2<think>3</think>");

  const std::string dir = test::make_temp_dir("terse_char_added_");
  REQUIRE(chars.save(dir).ok());
  auto loaded = load_tokenizer(dir);
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  CHECK((*loaded)->vocab_size() == 33);
  CHECK((*loaded)->encode(text) == plain);
  CHECK((*loaded)->encode_with_special(text) == with_special);
  CHECK((*loaded)->decode(with_special, /*skip_special=*/true) == "1+2<think>3</think>");
  std::filesystem::remove_all(dir);

  CHECK(CharTokenizer::create("ab", {"a"}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(CharTokenizer::create("ab", {"<eos>"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(CharTokenizer::create("ab", {""}).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace terse
