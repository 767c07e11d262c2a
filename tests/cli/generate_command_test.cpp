// `terse generate` run as a program on an exported tiny model.
#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "models/char_tokenizer.h"
#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/rollout/tiny_model.h"
#include "tests/test_util.h"

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
}

}  // namespace
}  // namespace terse
