// Exact agreement with the reference implementation (the @lenml/tokenizers port of
// transformers.js) on the real Qwen3 and Llama 3 tokenizer.json files. The expected ids were
// written by fixtures/make_tokenizer_fixtures.mjs from fixtures/tokenizer_texts.jsonl.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/models/tokenizer_test_util.h"

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
