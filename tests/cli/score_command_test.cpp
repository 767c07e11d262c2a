// `terse score` end to end: the binary on an exported model, against the model's log-softmax.
#include <fstream>
#include <functional>
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

// `model.safetensors` of a valid model replaced by hostile bytes: a length field claiming
// `claimed` header bytes (-1: the header's own length), the header, then `data`.
void write_hostile(const std::string& path, const std::string& header, const std::string& data,
                   int64_t claimed = -1) {
  const uint64_t length = claimed < 0 ? header.size() : static_cast<uint64_t>(claimed);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((length >> (8 * i)) & 0xff));
  out << header << data;
}

TEST_CASE("terse score on a hostile model.safetensors exits 2 and names the file",
          "[cli][integration][safetensors]") {
  testing::TempDir dir;
  Transformer model(testing::tiny_config("qwen3"));
  REQUIRE(export_hf_model(model, dir.file("model")).ok());
  const std::string path = dir.file("model") + "/model.safetensors";
  const std::string valid = testing::read_file(path);
  const std::string f32 = R"("w": {"dtype": "F32", "shape": [2], "data_offsets": )";
  struct Case {
    const char* name;
    std::function<void()> write;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"truncated",
       [&] { std::ofstream(path, std::ios::binary | std::ios::trunc) << valid.substr(0, 100); },
       "(file truncated?)"},
      {"header length beyond the file", [&] { write_hostile(path, "{}", "", 4096); },
       "header length is 4096 bytes, but only 2 bytes follow"},
      {"a 100 MB header length", [&] { write_hostile(path, "{}", "", 100'000'001); },
       "over the limit of 100000000"},
      {"invalid JSON", [&] { write_hostile(path, "{\"w\": {\"dtype\": ", ""); },
       "header is not valid JSON"},
      {"overlapping offsets",
       [&] {
         write_hostile(path, "{" + f32 + "[0, 8]}, \"v\": {" + f32.substr(6) + "[4, 12]}}",
                       std::string(12, '\0'));
       },
       "tensors `w` and `v` overlap"},
      {"out-of-range offsets",
       [&] { write_hostile(path, "{" + f32 + "[8, 16]}}", std::string(8, '\0')); },
       "ends at byte 16 of the data, but the data section has only 8 bytes"},
      {"dtype x shape != byte length",
       [&] { write_hostile(path, "{" + f32 + "[0, 12]}}", std::string(12, '\0')); },
       "(2 x 4 bytes) but its data_offsets span 12 bytes"},
  };
  for (const Case& c : cases) {
    c.write();
    const Run bad = run_score(dir, "--model " + dir.file("model"), "[1, 2]\n");
    INFO(c.name << ": " << bad.err);
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains(path + ": not a valid safetensors file"));
    CHECK_THAT(bad.err, Catch::Contains(c.message));
    CHECK(bad.out.empty());  // nothing scored from a broken model
  }
}

}  // namespace
}  // namespace terse
