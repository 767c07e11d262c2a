// `terse verify` as its users run it: JSON lines in, JSON lines out, exit 2 on a bad line.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/catch.h"
#include "tests/cli/json_lines_run.h"

namespace terse {
namespace {

TEST_CASE("terse verify --verifier math grades JSON lines", "[cli]") {
  const Run run = run_terse("verify --verifier math",
                            R"({"completion": "9 * 2 = 18\n#### 18", "answer": "18"})"
                            "\n"
                            R"({"completion": "The answer is 17.", "answer": "#### 18"})"
                            "\n\n"  // a blank line is skipped
                            R"({"completion": "no number", "answer": 18})"
                            "\n");
  INFO(run.stderr_text);
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == 3);
  CHECK(run.lines[0] == nlohmann::json({{"correct", true}, {"extracted", "18"}}));
  CHECK(run.lines[1] == nlohmann::json({{"correct", false}, {"extracted", "17"}}));
  CHECK(run.lines[2]["correct"] == false);
  CHECK(run.lines[2]["extracted"].is_null());
}

TEST_CASE("terse verify --verifier countdown reads numbers and target", "[cli]") {
  const Run run = run_terse("verify --verifier countdown",
                            R"({"completion": "<answer>(93 - 43) + 1</answer>", )"
                            R"("numbers": [93, 43, 1], "target": 51})"
                            "\n"
                            R"({"completion": "<answer>93 + 43</answer>", )"
                            R"("numbers": [93, 43, 1], "target": 51})"
                            "\n");
  INFO(run.stderr_text);
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == 2);
  CHECK(run.lines[0] == nlohmann::json({{"correct", true}, {"extracted", "(93 - 43) + 1"}}));
  CHECK(run.lines[1] == nlohmann::json({{"correct", false}, {"extracted", "93 + 43"}}));
}

TEST_CASE("terse verify --verifier exact compares normalised text", "[cli]") {
  const Run run = run_terse("verify --verifier exact",
                            R"({"completion": "<answer> Paris </answer>", "answer": "paris"})"
                            "\n");
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == 1);
  CHECK(run.lines[0] == nlohmann::json({{"correct", true}, {"extracted", "Paris"}}));
}

TEST_CASE("terse verify takes settings as config overrides", "[cli]") {
  const std::string input = R"({"completion": "She makes 18 dollars.", "answer": "18"})"
                            "\n";
  CHECK(run_terse("verify --verifier math", input).lines.at(0)["correct"] == true);
  const Run strict =
      run_terse("verify --verifier math reward.math.last_number_fallback=false", input);
  CHECK(strict.exit_code == 0);
  CHECK(strict.lines.at(0)["correct"] == false);
}

TEST_CASE("a malformed line is an input error that names the line", "[cli]") {
  const std::string good = R"({"completion": "#### 18", "answer": "18"})"
                           "\n";
  struct Bad {
    std::string line;
    std::string says;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"{not json", "stdin line 2: not a JSON object"},
           {R"({"answer": "18"})", "stdin line 2: needs \"completion\""},
           {R"({"completion": "x"})", "stdin line 2: needs \"answer\""},
           {"{\"completion\": \"\xff\", \"answer\": \"1\"}", "stdin line 2: not a JSON object"},
       }) {
    const Run run = run_terse("verify --verifier math", absl::StrCat(good, bad.line, "\n", good));
    INFO(bad.line << "\n" << run.stderr_text);
    CHECK(run.exit_code == 2);
    CHECK(run.lines.size() == 1);  // the good line before it was answered
    CHECK(run.stderr_text.find(bad.says) != std::string::npos);
  }
  const Run countdown =
      run_terse("verify --verifier countdown", R"({"completion": "1", "numbers": [1]})"
                                               "\n");
  CHECK(countdown.exit_code == 2);
  CHECK(countdown.stderr_text.find("stdin line 1: countdown needs") != std::string::npos);
  CHECK(run_terse("verify --verifier algebra", good).exit_code == 2);
}

TEST_CASE("terse config rejects a length penalty without its coefficient", "[cli]") {
  const Run run = run_terse("config show reward.length_penalty.kind=kimi", "");
  CHECK(run.exit_code == 2);
  CHECK(run.stderr_text.find("reward.length_penalty.alpha") != std::string::npos);
}

}  // namespace
}  // namespace terse
