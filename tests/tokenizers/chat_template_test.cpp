// Chat formats against the real chat templates of Qwen3 and Llama 3, rendered by Jinja2 in
// fixtures/make_chat_fixtures.py; plain templates and prompt templates by hand.
#include "tokenizers/chat_template.h"

#include <catch2/catch.hpp>

#include "tests/tokenizers/tokenizer_test_util.h"

namespace terse {
namespace {

using Json = nlohmann::json;

TEST_CASE("Built-in chat formats reproduce the real templates exactly", "[tokenizer][chat]") {
  const std::vector<Json> cases = test::read_jsonl(test::fixture_path("chat_templates.jsonl"));
  int checked = 0;
  for (const Json& c : cases) {
    const std::string format = c.at("format").get<std::string>();
    INFO(format << " / " << c.at("conversation").get<std::string>());
    std::vector<ChatMessage> messages;
    for (const Json& m : c.at("messages")) {
      messages.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
    }
    ChatOptions options;
    options.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
    options.enable_thinking = c.at("enable_thinking").get<bool>();
    auto chat = ChatTemplate::from_spec(format);
    REQUIRE(chat.ok());
    auto text = chat->apply(messages, options);
    REQUIRE(text.ok());
    CHECK(*text == c.at("text").get<std::string>());
    ++checked;
  }
  CHECK(checked == 12);
}

TEST_CASE("Llama 3 without a generation prompt, and unknown roles", "[tokenizer][chat]") {
  const std::vector<ChatMessage> messages = {{"user", "Hi"}, {"assistant", "Hello"}};
  ChatOptions options;
  options.add_generation_prompt = false;
  auto text = ChatTemplate::llama3().apply(messages, options);
  REQUIRE(text.ok());
  CHECK(*text ==
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>");
  const std::vector<ChatMessage> bad = {{"robot", "beep"}};
  CHECK(ChatTemplate::chatml().apply(bad).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ChatTemplate::llama3().apply(bad).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ChatTemplate::chatml().apply({}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("A ChatML prompt encodes its special tokens with encode_with_special",
          "[tokenizer][chat][real]") {
  const Tokenizer& qwen = test::real_tokenizer("qwen3");
  auto text = ChatTemplate::chatml().apply({{"user", "Hi"}});
  REQUIRE(text.ok());
  const std::vector<int32_t> ids = qwen.encode_with_special(*text);
  // <|im_start|> user \n Hi <|im_end|> \n <|im_start|> assistant \n
  REQUIRE(ids.size() == 9);
  CHECK(ids[0] == 151644);
  CHECK(ids[4] == 151645);
  CHECK(ids[6] == 151644);
  CHECK(qwen.decode(ids) == *text);
  // Plain encode leaves no special token in user text.
  for (const int32_t id : qwen.encode(*text)) CHECK_FALSE(qwen.is_special(id));
}

TEST_CASE("Plain chat templates fill role placeholders", "[tokenizer][chat]") {
  auto plain = ChatTemplate::from_spec("{system}\nQ: {user}\nA:");
  REQUIRE(plain.ok());
  CHECK(plain->format() == ChatTemplate::Format::kPlain);
  auto text = plain->apply({{"system", "Add."}, {"user", "2+2 {x}"}});
  REQUIRE(text.ok());
  CHECK(*text == "Add.\nQ: 2+2 {x}\nA:");  // values are not re-parsed
  CHECK(plain->apply({{"user", "2+2"}}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(plain->apply({{"system", "a"}, {"user", "b"}, {"user", "c"}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(plain->apply({{"system", "a"}, {"user", "b"}, {"assistant", "c"}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ChatTemplate::plain("{question}").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Prompt templates: placeholders, escapes and errors", "[tokenizer][chat]") {
  auto prompt = PromptTemplate::parse("{{literal}} {a} and {b_2}, again {a}}}");
  REQUIRE(prompt.ok());
  CHECK(prompt->names() == std::vector<std::string>{"a", "b_2"});
  auto text = prompt->render({{"a", "1"}, {"b_2", "two"}, {"unused", "x"}});
  REQUIRE(text.ok());
  CHECK(*text == "{literal} 1 and two, again 1}");
  auto missing = prompt->render({{"a", "1"}});
  CHECK(missing.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(missing.status().message()).find("{b_2}") != std::string::npos);
  for (const char* bad : {"{unclosed", "lone } brace", "{}", "{1st}", "{a b}"}) {
    INFO(bad);
    CHECK(PromptTemplate::parse(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace terse
