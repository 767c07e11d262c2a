// Exact agreement with the reference implementation (the @lenml/tokenizers port of
// transformers.js) on the real Qwen3 and Llama 3 tokenizer.json files. The expected ids were
// written by fixtures/make_tokenizer_fixtures.mjs from fixtures/tokenizer_texts.jsonl.
#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/utf8.h"
#include "tests/tokenizers/tokenizer_test_util.h"
#include "tokenizers/normalizer.h"

namespace terse {
namespace {

using nlohmann::json;

std::vector<int32_t> ids_of(const json& array) { return array.get<std::vector<int32_t>>(); }

void check_agreement(const std::string& name) {
  const Tokenizer& tokenizer = test::real_tokenizer(name);
  const std::vector<json> cases = test::read_jsonl(test::fixture_path(name + "_ids.jsonl"));
  int encoded = 0;
  int decoded = 0;
  for (const json& c : cases) {
    const std::string case_name = c.at("name").get<std::string>();
    INFO(name << " / " << case_name);
    if (c.contains("text")) {
      const std::string text = c.at("text").get<std::string>();
      const std::vector<int32_t> ids = tokenizer.encode_with_special(text);
      CHECK(ids == ids_of(c.at("ids")));
      CHECK(tokenizer.encode(text) == ids_of(c.at("ids_split_special")));
      CHECK(tokenizer.decode(ids) == c.at("decoded").get<std::string>());
      CHECK(tokenizer.decode(ids, /*skip_special=*/true) ==
            c.at("decoded_skip_special").get<std::string>());
      ++encoded;
    } else {
      CHECK(tokenizer.decode(ids_of(c.at("decode_ids"))) == c.at("decoded").get<std::string>());
      ++decoded;
    }
  }
  // The fixture covers every text of tokenizer_texts.jsonl and the cut-character decodes.
  CHECK(encoded ==
        static_cast<int>(test::read_jsonl(test::fixture_path("tokenizer_texts.jsonl")).size()));
  CHECK(decoded > 20);
}

TEST_CASE("Qwen3 tokenizer.json: ids agree exactly with the reference", "[tokenizer][real]") {
  check_agreement("qwen3");
}

TEST_CASE("Llama 3 tokenizer.json: ids agree exactly with the reference", "[tokenizer][real]") {
  check_agreement("llama3");
}

TEST_CASE("Real tokenizers expose their vocabulary and special tokens", "[tokenizer][real]") {
  const Tokenizer& qwen = test::real_tokenizer("qwen3");
  CHECK(qwen.vocab_size() == 151669);
  CHECK(qwen.token_to_id("<|im_start|>") == 151644);
  CHECK(qwen.id_to_token(151645) == "<|im_end|>");
  CHECK(qwen.is_special(151645));
  CHECK_FALSE(qwen.is_special(151667));  // <think> is an added token, not a special one
  CHECK(qwen.token_to_id("Ġthe") == 279);
  CHECK(qwen.id_to_token(279) == "Ġthe");
  CHECK(qwen.special_ids().eos == 151645);
  CHECK(qwen.special_ids().pad == 151643);
  CHECK_FALSE(qwen.special_ids().bos.has_value());

  const Tokenizer& llama = test::real_tokenizer("llama3");
  CHECK(llama.vocab_size() == 128256);
  CHECK(llama.special_ids().bos == 128000);
  CHECK(llama.special_ids().eos == 128001);
  CHECK(llama.token_to_id("<|eot_id|>") == 128009);
  CHECK_FALSE(llama.token_to_id("no such token").has_value());
  CHECK(llama.id_to_token(-1).empty());
  CHECK(llama.id_to_token(llama.vocab_size()).empty());
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

// Random text over a mix of scripts, whitespace, digits and symbols (valid UTF-8).
std::string random_text(std::mt19937& rng, size_t length) {
  static const std::vector<std::pair<char32_t, char32_t>> ranges = {
      {0x20, 0x7E},     {0x09, 0x0D},     {0xA0, 0xFF},     {0x300, 0x36F},     {0x400, 0x4FF},
      {0x4E00, 0x4FFF}, {0x3040, 0x30FF}, {0xAC00, 0xAD00}, {0x1F300, 0x1F64F}, {0x2000, 0x206F}};
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    const auto& [lo, hi] = ranges[rng() % ranges.size()];
    utf8_append(lo + static_cast<char32_t>(rng() % (hi - lo + 1)), &text);
  }
  return text;
}

TEST_CASE("Byte-level tokenizers round-trip random text", "[tokenizer][real]") {
  std::mt19937 rng(7);
  const Tokenizer& llama = test::real_tokenizer("llama3");
  const Tokenizer& qwen = test::real_tokenizer("qwen3");
  const Normalizer nfc({UnicodeForm::kNfc});
  for (int trial = 0; trial < 300; ++trial) {
    const std::string text = random_text(rng, 1 + rng() % 80);
    INFO(text);
    // Llama 3 has no normalizer; Qwen3 normalizes to NFC first.
    REQUIRE(llama.decode(llama.encode(text)) == text);
    std::string storage;
    REQUIRE(qwen.decode(qwen.encode(text)) == std::string(nfc.normalize(text, &storage)));
  }
}

TEST_CASE("Long runs of one character class encode and round-trip", "[tokenizer][real]") {
  const Tokenizer& qwen = test::real_tokenizer("qwen3");
  std::string emoji;
  for (int i = 0; i < 20000; ++i) emoji += "\xF0\x9F\x98\x80";
  for (const std::string& text :
       {std::string(200000, ' '), std::string(200000, 'a'), std::string(100000, '7'),
        std::string(100000, '\n') + "x", std::string(50000, '!'), emoji}) {
    const std::vector<int32_t> ids = qwen.encode(text);
    CHECK_FALSE(ids.empty());
    CHECK(ids.size() <= text.size());  // Qwen3 splits digits one by one
    CHECK(qwen.decode(ids) == text);
  }
}

TEST_CASE("Encoding from several threads gives the same ids", "[tokenizer][real]") {
  const Tokenizer& llama = test::real_tokenizer("llama3");
  const std::vector<json> cases = test::read_jsonl(test::fixture_path("llama3_ids.jsonl"));
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> expected;
  for (const json& c : cases) {
    if (!c.contains("text")) continue;
    texts.push_back(c.at("text").get<std::string>());
    expected.push_back(ids_of(c.at("ids")));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          const size_t k = (i + t * 7 + round) % texts.size();
          if (llama.encode_with_special(texts[k]) != expected[k]) ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(mismatches == 0);
}

}  // namespace
}  // namespace terse
