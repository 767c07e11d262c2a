// Two and three ranks, each with a share of the batch, give the gradients and the updated
// weights of one rank with the whole batch (tests/trainer/dp_worker.cpp does the work).
#include <algorithm>
#include <filesystem>

#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::run_command;
using testing::terse_command;

TEST_CASE("data-parallel gradients equal the whole batch's in every aggregation", "[dp]") {
  for (const int ranks : {2, 3}) {
    const auto result = run_command(terse_command("launch --nproc " + std::to_string(ranks) +
                                                  " --exec -- '" + TERSE_DP_WORKER + "'"));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    for (int r = 0; r < ranks; ++r) {
      CHECK_THAT(result.out, Catch::Contains("[rank " + std::to_string(r) + "] data-parallel ok"));
    }
  }
}

TEST_CASE("terse train runs data-parallel under terse launch", "[dp]") {
  testing::TempDir dir;
  const std::string args =
      "launch --nproc 2 --master-port 29631 -- train run.dir=" + dir.path().string() +
      " run.name=dp model.hidden_size=32 model.num_layers=1 model.num_heads=2 "
      "model.num_kv_heads=2 model.intermediate_size=64 model.max_seq_len=128 data.train_size=32 "
      "data.test_size=8 rollout.group_size=4 rollout.max_new_tokens=16 trainer.batch_prompts=4 "
      "trainer.steps=3 trainer.eval_every=3 trainer.eval_problems=4 trainer.save_every=1 "
      "trainer.lr=0.01 reward.length_penalty.kind=linear reward.length_penalty.alpha=1";
  const auto result = run_command(terse_command(args));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  // Rank 0 alone reports and writes; each checkpoint first checked that both replicas agree.
  CHECK_THAT(result.out, Catch::Contains("[rank 0] step 3/3"));
  CHECK_THAT(result.out, !Catch::Contains("[rank 1] step"));
  const std::string metrics = testing::read_file(dir / "dp/metrics.jsonl");
  CHECK(std::count(metrics.begin(), metrics.end(), '\n') == 3);
  // The metrics cover both ranks' samples: 4 prompts x 4 samples.
  CHECK_THAT(metrics, Catch::Contains("\"samples/drawn\":16.0"));
  CHECK(std::filesystem::exists(dir / "dp/checkpoints/step-00000003/model.safetensors"));
}

}  // namespace
}  // namespace terse
