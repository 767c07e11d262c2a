// The built-in tasks' tokenizer: its token counts are count_tokens()'s, tags are single ids.
#include "data/task_tokenizer.h"

#include <algorithm>

#include "data/completion.h"
#include "data/data_config.h"
#include "data/dataset.h"
#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("task tokenizer: tags are single tokens and lengths equal count_tokens", "[tokenizer]") {
  const std::unique_ptr<CharTokenizer> tokenizer = make_task_tokenizer();
  // 4 special + 96 characters (newline, ' '..'~') + 4 tags.
  CHECK(tokenizer->vocab_size() == 104);
  const std::vector<int32_t> ids = tokenizer->encode("<think>3</think><answer>3</answer>");
  REQUIRE(ids.size() == 6);
  CHECK(ids[0] == *tokenizer->token_to_id("<think>"));
  CHECK(ids[5] == *tokenizer->token_to_id("</answer>"));
  const int32_t unk = *tokenizer->special_ids().unk;
  for (const char* task : {"arithmetic", "countdown", "chain"}) {
    DataConfig config;
    config.task = task;
    config.train_size = 20;
    auto problems = load_split(config, Split::kTrain);
    REQUIRE(problems.ok());
    for (const Problem& p : *problems) {
      const std::string text = long_completion(p);
      INFO(task << ": " << text);
      const std::vector<int32_t> completion = tokenizer->encode(text);
      CHECK(static_cast<int64_t>(completion.size()) == count_tokens(text));
      CHECK(std::count(completion.begin(), completion.end(), unk) == 0);
      CHECK(tokenizer->decode(completion) == text);
      const std::vector<int32_t> prompt = tokenizer->encode(p.prompt);
      CHECK(std::count(prompt.begin(), prompt.end(), unk) == 0);
    }
  }
}

}  // namespace
}  // namespace terse
