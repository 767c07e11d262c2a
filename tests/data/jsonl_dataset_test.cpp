// JSONL datasets: the real GSM8K test set loads whole, and every kind of malformed line is
// reported with its file:line.
#include "data/jsonl_dataset.h"

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/catch.h"

namespace terse {
namespace {

const std::string kSourceDir = TERSE_SOURCE_DIR;

absl::StatusOr<std::vector<Problem>> read_text(const std::string& text, const JsonlConfig& config) {
  std::istringstream in(text);
  return read_jsonl(in, "mem.jsonl", config);
}

TEST_CASE("all 1,319 GSM8K test records load with their gold answers", "[jsonl]") {
  const auto problems = load_jsonl(kSourceDir + "/tests/data/gsm8k/test.jsonl", JsonlConfig{});
  REQUIRE(problems.ok());
  REQUIRE(problems->size() == 1319);
  for (const Problem& p : *problems) {
    INFO(p.prompt);
    CHECK_FALSE(p.answer.empty());
    CHECK_FALSE(p.prompt.empty());
    CHECK_FALSE(p.long_trace.empty());
    CHECK(p.answer_kind == AnswerKind::kNumber);
    CHECK(p.long_trace.find("####") == std::string::npos);
    CHECK(p.task == "jsonl");
  }
  const Problem& first = problems->front();
  CHECK(first.prompt.rfind("Janet\xE2\x80\x99s ducks lay 16 eggs per day.", 0) == 0);
  CHECK(first.answer == "18");
  CHECK(first.long_trace ==
        "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n"
        "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer\xE2\x80\x99s market.");
  // Gold answers keep their writing: thousands separators and signs.
  int with_comma = 0;
  int negative = 0;
  for (const Problem& p : *problems) {
    with_comma += p.answer.find(',') != std::string::npos;
    negative += p.answer[0] == '-';
  }
  CHECK(with_comma > 0);
  CHECK(negative > 0);
}

TEST_CASE("each malformed line is named with its line number and problem", "[jsonl]") {
  const std::string path = kSourceDir + "/tests/data/jsonl/malformed.jsonl";
  const auto result = load_jsonl(path, JsonlConfig{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(result.status().message());
  INFO(message);
  const std::map<int, std::string> expected = {
      {2, "field \"answer\" has no `#### N`"},
      {3, "invalid JSON at column 25"},
      {4, "expected a JSON object, got array"},
      {5, "missing field \"question\" (data.jsonl.prompt_field)"},
      {6, "field \"question\" must be a string, not number"},
      {7, "invalid UTF-8 at byte 18"},
      {9, "the answer in field \"answer\" is empty"},
      {10, "field \"question\" is empty"},
      {12, "field \"answer\" must be a string, not null"},
      {13, "invalid UTF-8 at byte 25"},
      {14, "invalid JSON at column"},
  };
  const std::vector<std::string> lines = absl::StrSplit(message, '\n');
  REQUIRE(lines.size() == expected.size() + 1);
  size_t i = 0;
  for (const auto& [number, text] : expected) {
    CHECK_THAT(lines[i], Catch::StartsWith(absl::StrCat(path, ":", number, ": ")));
    CHECK_THAT(lines[i], Catch::Contains(text));
    ++i;
  }
  CHECK(lines.back() == absl::StrCat(path, ": 11 malformed line(s) of 16; fix or remove them"));
}

TEST_CASE("a number too large for a double is a malformed line, not a crash", "[jsonl]") {
  // nlohmann-json reports this as out_of_range, not as a parse error.
  const auto problems =
      read_text("{\"question\": \"q\", \"answer\": \"#### 1\", \"n\": 1e999999}\n", JsonlConfig{});
  REQUIRE_FALSE(problems.ok());
  CHECK(problems.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(problems.status().message()),
             Catch::StartsWith("mem.jsonl:1: invalid JSON:") && Catch::Contains("number overflow"));
}

TEST_CASE("the good lines of the corpus read as expected", "[jsonl]") {
  // Lines 1, 11 (CRLF) and 16 (no final newline) of the corpus, on their own.
  const auto problems = read_text(
      "{\"question\": \"What is 2+2?\", \"answer\": \"2+2=4\\n#### 4\"}\n\n"
      "{\"question\": \"windows line end\", \"answer\": \"#### 3\"}\r\n"
      "{\"question\": \"last, no newline\", \"answer\": \"#### 1,000\"}",
      JsonlConfig{});
  REQUIRE(problems.ok());
  REQUIRE(problems->size() == 3);
  CHECK((*problems)[0].answer == "4");
  CHECK((*problems)[0].long_trace == "2+2=4");
  CHECK((*problems)[1].answer == "3");
  CHECK((*problems)[1].long_trace.empty());
  CHECK((*problems)[2].answer == "1,000");
  CHECK((*problems)[2].answer_kind == AnswerKind::kNumber);
}

TEST_CASE("a generic mapping of field names", "[jsonl]") {
  JsonlConfig config;
  config.format = JsonlFormat::kFields;
  config.prompt_field = "p";
  config.answer_field = "a";
  const auto plain = read_text(
      "{\"p\": \"2+2?\", \"a\": 4}\n{\"p\": \"capital of France?\", \"a\": \" Paris \"}\n"
      "{\"p\": \"half\", \"a\": 0.5}",
      config);
  REQUIRE(plain.ok());
  REQUIRE(plain->size() == 3);
  CHECK((*plain)[0].answer == "4");
  CHECK((*plain)[0].answer_kind == AnswerKind::kNumber);
  CHECK((*plain)[0].long_trace.empty());
  CHECK((*plain)[1].answer == "Paris");
  CHECK((*plain)[1].answer_kind == AnswerKind::kText);
  CHECK((*plain)[2].answer == "0.5");

  config.reasoning_field = "r";
  const auto reasoned =
      read_text("{\"p\": \"2+2?\", \"a\": \"4\", \"r\": \"two and two\"}", config);
  REQUIRE(reasoned.ok());
  CHECK(reasoned->front().long_trace == "two and two");

  const auto bad = read_text(
      "{\"p\": \"x\", \"a\": \"1\"}\n{\"p\": \"x\", \"a\": [1], \"r\": \"\"}\n"
      "{\"p\": \"x\", \"a\": \"1\", \"r\": 7}",
      config);
  REQUIRE_FALSE(bad.ok());
  const std::string message(bad.status().message());
  CHECK_THAT(message,
             Catch::Contains("mem.jsonl:1: missing field \"r\" (data.jsonl.reasoning_field)"));
  CHECK_THAT(message,
             Catch::Contains("mem.jsonl:2: field \"a\" must be a string or a number, not array"));
  CHECK_THAT(message, Catch::Contains("mem.jsonl:3: field \"r\" must be a string, not number"));
}

TEST_CASE("over-long lines, many errors, empty and missing files", "[jsonl]") {
  JsonlConfig config;
  config.max_line_bytes = 64;
  const std::string good = "{\"question\": \"q\", \"answer\": \"#### 1\"}";
  const auto long_line = read_text(good + "\n{\"question\": \"" + std::string(5'000'000, 'x') +
                                       "\", \"answer\": \"#### 1\"}\n" + good,
                                   config);
  REQUIRE_FALSE(long_line.ok());
  CHECK_THAT(std::string(long_line.status().message()),
             Catch::StartsWith("mem.jsonl:2: line is 5000036 bytes, over the limit of 64 "
                               "(data.jsonl.max_line_bytes)"));

  std::string many;
  for (int i = 0; i < 30; ++i) many += "not json\n";
  const auto errors = read_text(many, JsonlConfig{});
  const std::vector<std::string> lines = absl::StrSplit(errors.status().message(), '\n');
  REQUIRE(lines.size() == 22);
  CHECK_THAT(lines[19], Catch::StartsWith("mem.jsonl:20: invalid JSON"));
  CHECK(lines[20] == "... and 10 more malformed lines");
  CHECK(lines[21] == "mem.jsonl: 30 malformed line(s) of 30; fix or remove them");

  CHECK(read_text("\n\n", JsonlConfig{}).status().code() == absl::StatusCode::kInvalidArgument);
  const auto missing = load_jsonl(kSourceDir + "/no/such.jsonl", JsonlConfig{});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains("no/such.jsonl"));
}

}  // namespace
}  // namespace terse
