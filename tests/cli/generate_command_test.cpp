// `terse generate` run as a program on an exported tiny model.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/rollout/tiny_model.h"
#include "tests/test_util.h"
#include "tokenizers/char_tokenizer.h"

namespace terse {
namespace {

using testing::run_command;
using testing::TempDir;
using testing::terse_command;
using testing::tiny_rollout_model;
using testing::write_file;

TEST_CASE("terse generate samples from an exported model directory", "[generate]") {
  TempDir dir;
  auto tokenizer = CharTokenizer::create("abcdefghij+= ");
  REQUIRE(tokenizer.ok());
  REQUIRE((*tokenizer)->save((dir / "tok").string()).ok());
  Transformer model = tiny_rollout_model(4, (*tokenizer)->vocab_size());
  ExportOptions options;
  options.source_dir = (dir / "tok").string();
  REQUIRE(export_hf_model(model, (dir / "model").string(), options).ok());
  write_file(dir / "prompts.jsonl", "{\"prompt\": \"ab+cd=\"}\n\n{\"prompt\": \"j\"}\n");

  const auto result = run_command(terse_command("generate --model '" + (dir / "model").string() +
                                                "' --prompts '" + (dir / "prompts.jsonl").string() +
                                                "' -n 2 --max-new-tokens 5 --seed 1"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == 4);  // 2 prompts x 2 samples
  const auto first = nlohmann::json::parse(lines[0]);
  CHECK(first["prompt"] == "ab+cd=");
  CHECK(first["sample"] == 0);
  CHECK(nlohmann::json::parse(lines[3])["prompt"] == "j");
  for (const std::string& line : lines) {
    const auto row = nlohmann::json::parse(line);
    const std::vector<int32_t> tokens = row["tokens"].get<std::vector<int32_t>>();
    CHECK(tokens.size() <= 5);
    CHECK(row["completion"] == (*tokenizer)->decode(tokens));
    CHECK((row["finish_reason"] == "length" ? tokens.size() == 5 : true));
  }

  write_file(dir / "bad.jsonl", "{\"prompt\": \"ab\"}\n{\"text\": 3}\n");
  const auto bad = run_command(terse_command("generate --model '" + (dir / "model").string() +
                                             "' --prompts '" + (dir / "bad.jsonl").string() + "'"));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("bad.jsonl:2"));

  // A thinking budget of 2 with `j` as the closing tag and `=` as the answer prefix: no sample
  // thinks past 2 tokens; where the budget forced the end, `j=` follows at once.
  const int32_t close = (*tokenizer)->encode("j").at(0);
  const int32_t prefix = (*tokenizer)->encode("=").at(0);
  const std::string generate_budgeted = "generate --model '" + (dir / "model").string() +
                                        "' --prompts '" + (dir / "prompts.jsonl").string() +
                                        "' -n 4 --max-new-tokens 8 --seed 3 --think-budget 2 "
                                        "--think-open '' ";
  const std::string budgeted = generate_budgeted + "--think-close j --answer-prefix =";
  const auto forced = run_command(terse_command(budgeted));
  INFO(forced.err);
  REQUIRE(forced.exit_code == 0);
  int64_t forced_samples = 0;
  for (const absl::string_view line : absl::StrSplit(forced.out, '\n', absl::SkipEmpty())) {
    const auto row = nlohmann::json::parse(line);
    const std::vector<int32_t> tokens = row["tokens"].get<std::vector<int32_t>>();
    INFO(row.dump());
    const auto end = std::find(tokens.begin(), tokens.end(), close);
    REQUIRE(end != tokens.end());  // 8 tokens leave room for the forced close
    CHECK(end - tokens.begin() <= 2);
    if (row["forced_tokens"] == 2) {
      ++forced_samples;
      CHECK(end - tokens.begin() == 2);
      REQUIRE(end + 1 != tokens.end());
      CHECK(*(end + 1) == prefix);
    } else {
      CHECK(row["forced_tokens"] == 0);  // the model closed by itself in time
    }
  }
  CHECK(forced_samples > 0);
  const auto truncated = run_command(terse_command(budgeted + " --think-mode truncate"));
  REQUIRE(truncated.exit_code == 0);
  for (const absl::string_view line : absl::StrSplit(truncated.out, '\n', absl::SkipEmpty())) {
    const auto row = nlohmann::json::parse(line);
    const std::vector<int32_t> tokens = row["tokens"].get<std::vector<int32_t>>();
    if (std::find(tokens.begin(), tokens.end(), close) == tokens.end()) {
      CHECK(tokens.size() == 2);
      CHECK(row["finish_reason"] == "length");
    }
    CHECK(row["forced_tokens"] == 0);
  }
  // The closing tag must be one token.
  const auto two_tokens = run_command(terse_command(generate_budgeted + "--think-close ab"));
  CHECK(two_tokens.exit_code == 2);
  CHECK_THAT(two_tokens.err, Catch::Contains("single tokens"));
}

}  // namespace
}  // namespace terse
