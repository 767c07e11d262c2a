// `terse score` end to end: the binary on an exported model, against the model's log-softmax.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <torch/torch.h>

#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/models/model_test_util.h"

namespace terse {
namespace {

struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

Run run_score(const testing::TempDir& dir, const std::string& args, const std::string& input) {
  std::ofstream(dir.file("input.txt"), std::ios::trunc) << input;
  const std::string command = std::string(TERSE_BINARY) + " score " + args + " < " +
                              dir.file("input.txt") + " > " + dir.file("out.txt") + " 2> " +
                              dir.file("err.txt");
  const int code = testing::run_shell(command);
  return {code, testing::read_file(dir.file("out.txt")), testing::read_file(dir.file("err.txt"))};
}

TEST_CASE("terse score writes each token's log-probability given the tokens before it",
          "[cli][integration]") {
  ModelConfig config = testing::tiny_config("qwen3");
  Transformer model(config);
  testing::randomize(model, 41);
  testing::TempDir dir;
  REQUIRE(export_hf_model(model, dir.file("model")).ok());

  const std::vector<std::vector<int64_t>> lines = {{5, 3, 7, 1, 52}, {2}, {0, 0}, {}};
  std::string input;
  for (const auto& ids : lines) input += nlohmann::json(ids).dump() + "\n";
  const Run run = run_score(dir, "--model " + dir.file("model"), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  std::istringstream out(run.out);
  std::string line;
  torch::NoGradGuard no_grad;
  for (const auto& ids : lines) {
    REQUIRE(std::getline(out, line));
    const auto got = nlohmann::json::parse(line).get<std::vector<double>>();
    REQUIRE(got.size() == (ids.size() < 2 ? 0 : ids.size() - 1));
    if (ids.size() < 2) continue;
    const int64_t t = static_cast<int64_t>(ids.size());
    const at::Tensor tokens = at::tensor(ids, at::kLong).view({1, t});
    const at::Tensor log_probs = model
                                     ->logits(model->forward(tokens, at::ones({1, t}, at::kLong),
                                                             at::arange(t, at::kLong).view({1, t})))
                                     .to(at::kDouble)
                                     .log_softmax(-1)[0];
    for (int64_t i = 1; i < t; ++i) {
      INFO("token " << i);
      CHECK(got[static_cast<size_t>(i - 1)] ==
            Approx(log_probs[i - 1][ids[static_cast<size_t>(i)]].item<double>()).margin(1e-5));
      CHECK(got[static_cast<size_t>(i - 1)] < 0);
    }
  }
  CHECK_FALSE(std::getline(out, line));

  SECTION("a bad line stops with exit code 2, naming the line") {
    const Run bad = run_score(dir, "--model " + dir.file("model"), "[1, 2]\n[1, oops]\n");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("line 2") && Catch::Contains("JSON array of token ids"));
  }
  SECTION("a token outside the vocabulary is an input error") {
    const Run bad = run_score(dir, "--model " + dir.file("model"), "[1, 53]\n");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("line 1") && Catch::Contains("token 53"));
  }
  SECTION("a missing model directory is an input error") {
    const Run bad = run_score(dir, "--model " + dir.file("nowhere"), "[1, 2]\n");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("nowhere"));
  }
}

}  // namespace
}  // namespace terse
