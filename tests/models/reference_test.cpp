// The transformer's logits against an independent PyTorch implementation
// (tests/models/reference_model.py, run as a child process) for each model family. Integration
// tier: each case starts a Python interpreter that imports torch, a few seconds.
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/hf_checkpoint.h"
#include "models/transformer.h"
#include "tests/catch.h"
#include "tests/models/model_test_util.h"

namespace terse {
namespace {

using testing::max_abs_diff;
using testing::pad_batch;
using testing::random_ids;
using testing::random_model;
using testing::tiny_config;

TEST_CASE("logits match the independent PyTorch reference for each family", "[model]") {
  const std::string python = testing::python_with_torch();
  if (python.empty()) {
    FAIL(
        "no python3 that imports torch: install Debian's python3-torch "
        "(apt-get install python3-torch) or point TERSE_PYTHON at one");
  }
  const std::string name = GENERATE(from_range(testing::tiny_config_names()));
  INFO("config " << name);
  const ModelConfig config = tiny_config(name);
  Transformer model = random_model(config, 7);
  testing::TempDir dir;
  REQUIRE(export_hf_model(model, dir.path().string()).ok());

  // Three sequences of different lengths, batched with left and right padding.
  const std::vector<std::vector<int64_t>> sequences = {random_ids(9, config.vocab_size, 1),
                                                       random_ids(4, config.vocab_size, 2),
                                                       random_ids(6, config.vocab_size, 3)};
  {
    std::ofstream input(dir.file("input.json"));
    input << nlohmann::json{{"sequences", sequences}}.dump();
  }
  const std::string command = python + " " + TERSE_SOURCE_DIR +
                              "/tests/models/reference_model.py " + dir.path().string() + " " +
                              dir.file("input.json") + " " + dir.file("output.json");
  REQUIRE(testing::run_shell(command) == 0);
  const auto reference = nlohmann::json::parse(testing::read_file(dir.file("output.json")));

  const auto batch = pad_batch(sequences, {false, true, false});
  at::Tensor logits;
  {
    torch::NoGradGuard no_grad;
    logits = model->logits(model->forward(batch.ids, batch.attention_mask, batch.position_ids));
  }
  REQUIRE(logits.scalar_type() == at::kFloat);
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto& expected = reference["logits"][i];
    REQUIRE(expected.size() == sequences[i].size());
    for (size_t t = 0; t < sequences[i].size(); ++t) {
      const at::Tensor want = at::tensor(expected[t].get<std::vector<double>>(), at::kDouble);
      const at::Tensor got =
          logits[static_cast<int64_t>(i)][batch.offsets[i] + static_cast<int64_t>(t)];
      INFO("sequence " << i << " token " << t);
      REQUIRE(want.size(0) == config.vocab_size);
      CHECK(max_abs_diff(got, want) < 1e-4);
    }
  }
  // The logits are far from trivial: a reference that ignored a weight would not match.
  CHECK(logits.abs().max().item<double>() > 0.5);
}

}  // namespace
}  // namespace terse
