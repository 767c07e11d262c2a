// `terse tokenize` as a user runs it: JSON lines in, ids out, and back; malformed input exits 2.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/tokenizers/tokenizer_test_util.h"

namespace terse {
namespace {

using Json = nlohmann::json;

struct Run {
  int exit_code;
  std::string out;  // standard output and standard error
};

// Runs `terse tokenize <args>` with `input` on standard input.
Run tokenize(const std::string& args, const std::string& input) {
  const std::string dir = test::make_temp_dir("terse_tokenize_cli_");
  std::ofstream(dir + "/input.jsonl", std::ios::binary) << input;
  const std::string command =
      std::string(TERSE_BINARY) + " tokenize " + args + " < " + dir + "/input.jsonl 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string qwen3_path() {
  test::real_tokenizer("qwen3");  // fails with the fetch hint when the file is missing
  return std::string(TERSE_SOURCE_DIR) + "/.deps/tokenizers/qwen3/tokenizer.json";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_CASE("terse tokenize encodes and decodes JSON lines like the reference", "[cli][tokenizer]") {
  const std::vector<Json> cases = test::read_jsonl(test::fixture_path("qwen3_ids.jsonl"));
  std::string encode_input;
  std::string decode_input;
  std::vector<Json> expected;
  for (const Json& c : cases) {
    if (!c.contains("text")) continue;
    encode_input += Json{{"text", c.at("text")}}.dump() + "\n";
    decode_input += c.at("ids").dump() + "\n";
    expected.push_back(c);
  }
  const Run encoded = tokenize("--tokenizer " + qwen3_path(), encode_input);
  INFO(encoded.out.substr(0, 2000));
  REQUIRE(encoded.exit_code == 0);
  const std::vector<std::string> id_lines = lines_of(encoded.out);
  REQUIRE(id_lines.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i].at("name").get<std::string>());
    CHECK(Json::parse(id_lines[i]) == expected[i].at("ids"));
  }

  const Run decoded = tokenize("--decode --tokenizer " + qwen3_path(), decode_input);
  REQUIRE(decoded.exit_code == 0);
  const std::vector<std::string> text_lines = lines_of(decoded.out);
  REQUIRE(text_lines.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i].at("name").get<std::string>());
    CHECK(Json::parse(text_lines[i]) == Json{{"text", expected[i].at("decoded")}});
  }
}

TEST_CASE("terse tokenize rejects malformed input with exit code 2", "[cli][tokenizer]") {
  // The small char tokenizer loads at once; the rules do not depend on the tokenizer.
  const std::string tokenizer = "--tokenizer " + test::fixture_path("char_tokenizer");
  Run run = tokenize(tokenizer, "{\"text\": \"fine\"}\n{\"txt\": \"wrong key\"}\n");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("line 2") != std::string::npos);
  CHECK(run.out.find('[') == 0);  // the good first line was answered

  run = tokenize(tokenizer, "not json\n");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("line 1") != std::string::npos);

  run = tokenize("--decode " + tokenizer, "[1, 2]\n[1, -5]\n");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("line 2") != std::string::npos);

  const std::string dir = test::make_temp_dir("terse_bad_tokenizer_");
  std::ofstream(dir + "/tokenizer.json") << "{\"model\": {\"type\": \"Unigram\"}}";
  run = tokenize("--tokenizer " + dir + "/tokenizer.json", "");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find(dir + "/tokenizer.json") != std::string::npos);
  CHECK(run.out.find("Unigram") != std::string::npos);
  std::filesystem::remove_all(dir);

  run = tokenize("--tokenizer /nonexistent/tokenizer.json", "");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("/nonexistent/tokenizer.json") != std::string::npos);
}

}  // namespace
}  // namespace terse
