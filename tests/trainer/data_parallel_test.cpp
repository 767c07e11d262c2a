// Two and three ranks, each with a share of the batch, give the gradients and the updated
// weights of one rank with the whole batch (tests/trainer/dp_worker.cpp does the work);
// `terse train` colocated and disaggregated under `terse launch`.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/launcher.h"
#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"
#include "tests/trainer/metrics_compare.h"

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

// A tiny `terse train` run under run.dir=`dir` (name and extra settings appended by callers).
std::string tiny_train(const std::filesystem::path& dir) {
  return " run.dir=" + dir.string() +
         " model.hidden_size=32 model.num_layers=1 model.num_heads=2 model.num_kv_heads=2 "
         "model.intermediate_size=64 model.max_seq_len=128 data.train_size=32 data.test_size=8 "
         "rollout.group_size=4 rollout.max_new_tokens=16 trainer.eval_problems=4 trainer.lr=0.01 "
         "reward.length_penalty.kind=linear reward.length_penalty.alpha=1 runtime.threads=1 "
         "runtime.collective_timeout_s=60 runtime.rendezvous_timeout_s=30";
}

std::string launch(int ranks) {
  return absl::StrCat("launch --nproc ", ranks, " --master-port ", find_free_port().value(),
                      " -- ");
}

using testing::MetricsLines;

TEST_CASE("disaggregated: one trainer and one worker repeat the colocated run exactly", "[dp]") {
  testing::TempDir dir;
  // A thinking budget of 2 tokens forces the end of thinking in most samples: the forced tokens'
  // marks must travel from the worker for the loss (and so the metrics) to match.
  const std::string settings =
      tiny_train(dir.path()) +
      " trainer.batch_prompts=4 trainer.steps=3 trainer.eval_every=3 trainer.save_every=0"
      " rollout.think.tokens=2";
  const auto colocated = run_command(terse_command("train run.name=colocated" + settings));
  INFO(colocated.out << colocated.err);
  REQUIRE(colocated.exit_code == 0);
  const auto split =
      run_command(terse_command(launch(2) + "train run.name=split rollout.workers=1" + settings));
  INFO(split.out << split.err);
  REQUIRE(split.exit_code == 0);
  // The worker sampled every batch with the weights of the step before it (staleness 0).
  for (int batch = 0; batch < 3; ++batch) {
    CHECK_THAT(split.out,
               Catch::Contains(absl::StrCat("[rank 1] rollout worker 0: batch ", batch,
                                            " (16 samples) with weights version ", batch, " ")));
  }
  const MetricsLines expected = read_metrics_log(dir.path() / "colocated/metrics.jsonl").value();
  const MetricsLines actual = read_metrics_log(dir.path() / "split/metrics.jsonl").value();
  REQUIRE(expected.size() == 3);
  REQUIRE(actual.size() == 3);
  CHECK(testing::without_timing(actual) == testing::without_timing(expected));
  CHECK(actual[0].second.at("samples/forced") > 0.5);
  // Versions 1 and 2 were published (version 3 samples nothing), each timed.
  CHECK(actual[0].second.count("time/weight_sync_s") == 1);
  CHECK(actual[1].second.count("time/weight_sync_s") == 1);
  CHECK(actual[2].second.count("time/weight_sync_s") == 0);
  CHECK(std::filesystem::exists(dir.path() / "split/checkpoints/step-00000003/model.safetensors"));
}

TEST_CASE("disaggregated: workers run ahead by at most rollout.max_staleness versions", "[dp]") {
  testing::TempDir dir;
  // Two trainers and one worker that may sample one version behind: batch b uses version
  // max(0, b - 1), so the samples of step s (1-based) are min(s - 1, 1) versions old.
  const auto result = run_command(terse_command(
      launch(3) + "train run.name=async rollout.workers=1 rollout.max_staleness=1" +
      tiny_train(dir.path()) +
      " trainer.batch_prompts=4 trainer.steps=5 trainer.eval_every=0 trainer.save_every=2"));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const MetricsLines lines = read_metrics_log(dir.path() / "async/metrics.jsonl").value();
  REQUIRE(lines.size() == 5);
  for (const auto& [step, m] : lines) {
    INFO("step " << step);
    CHECK(m.at("policy/staleness") == std::min<int64_t>(step - 1, 1));
    CHECK(m.at("samples/drawn") == 16);  // both trainers' shares
  }
  // The worker received every version it samples with (1 to 3; batch 4 uses version 3), once.
  for (int version = 1; version <= 3; ++version) {
    const std::string line =
        absl::StrCat("[rank 2] rollout worker 0: received weights version ", version, " ");
    CHECK_THAT(result.out, Catch::Contains(line));
  }
  CHECK_THAT(result.out, !Catch::Contains("received weights version 4"));
  for (int batch = 0; batch < 5; ++batch) {
    CHECK_THAT(result.out, Catch::Contains(absl::StrCat("rollout worker 0: batch ", batch,
                                                        " (16 samples) with weights version ",
                                                        std::max(0, batch - 1), " ")));
  }
}

TEST_CASE("disaggregated: one trainer gathers the batch from two workers", "[dp]") {
  testing::TempDir dir;
  const auto result = run_command(terse_command(
      launch(3) + "train run.name=two_workers rollout.workers=2" + tiny_train(dir.path()) +
      " trainer.batch_prompts=4 trainer.steps=2 trainer.eval_every=0 trainer.save_every=0"));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  for (const char* worker :
       {"[rank 1] rollout worker 0: batch 1 (8 samples) with weights version 1",
        "[rank 2] rollout worker 1: batch 1 (8 samples) with weights version 1"}) {
    CHECK_THAT(result.out, Catch::Contains(worker));
  }
  const MetricsLines lines = read_metrics_log(dir.path() / "two_workers/metrics.jsonl").value();
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].second.at("samples/drawn") == 16);
}

// A shell script that starts rank 0 (trainer) and rank 1 (rollout worker) of a disaggregated
// `terse train` by hand, with torchrun's variables, each writing to DIR/NAME-rankR.out, its pid
// to DIR/NAME-rankR.pid and its exit code to DIR/NAME-rankR.rc; `between` runs while both are up
// (before the script waits for them).
std::string two_ranks_by_hand(const std::filesystem::path& dir, const std::string& name,
                              const std::string& train_args, const std::string& between) {
  const int64_t port = find_free_port().value();
  std::string script;
  for (int rank = 0; rank < 2; ++rank) {
    const std::string out = (dir / absl::StrCat(name, "-rank", rank)).string();
    absl::StrAppend(&script, "(RANK=", rank, " LOCAL_RANK=", rank,
                    " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=", port, " ",
                    terse_command(train_args), " > '", out, ".out' 2>&1 & echo $! > '", out,
                    ".pid'; wait $!; echo $? > '", out, ".rc') &\n");
  }
  return script + between + "wait\n";
}

TEST_CASE("disaggregated under plain torchrun variables, and a worker killed mid-run", "[dp]") {
  testing::TempDir dir;
  const std::filesystem::path& d = dir.path();
  const std::string args = "train rollout.workers=1" + tiny_train(d) +
                           " trainer.batch_prompts=4 trainer.eval_every=0 trainer.save_every=0";
  const std::string plain = args + " run.name=plain trainer.steps=3";
  testing::write_file(d / "plain.sh", two_ranks_by_hand(d, "plain", plain, ""));
  run_command("sh '" + (d / "plain.sh").string() + "'");
  INFO(testing::read_file(d / "plain-rank0.out") << testing::read_file(d / "plain-rank1.out"));
  CHECK(testing::read_file(d / "plain-rank0.rc") == "0\n");
  CHECK(testing::read_file(d / "plain-rank1.rc") == "0\n");
  CHECK(read_metrics_log(d / "plain/metrics.jsonl").value().size() == 3);

  // The worker is killed once it has sent a batch; the trainer must stop with an error that
  // names rank 1, well within the 60 s collective timeout.
  const std::string worker_out = (d / "killed-rank1.out").string();
  const std::string worker_pid = (d / "killed-rank1.pid").string();
  const std::string kill_worker = "for i in $(seq 600); do grep -q 'batch 1 ' '" + worker_out +
                                  "' 2>/dev/null && break; sleep 0.1; done\nkill -9 $(cat '" +
                                  worker_pid + "')\n";
  const std::string killed = args + " run.name=killed trainer.steps=1000";
  testing::write_file(d / "killed.sh", two_ranks_by_hand(d, "killed", killed, kill_worker));
  const auto start = std::chrono::steady_clock::now();
  run_command("sh '" + (d / "killed.sh").string() + "'");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string trainer = testing::read_file(d / "killed-rank0.out");
  INFO(trainer);
  CHECK(testing::read_file(d / "killed-rank0.rc") != "0\n");
  CHECK_THAT(trainer, Catch::Contains("because rank 1 is gone"));
  CHECK(seconds < 60);
}

TEST_CASE("disaggregated layouts that cannot work are refused before training", "[dp]") {
  testing::TempDir dir;
  const auto no_trainer = run_command(
      terse_command(launch(2) + "train run.name=bad rollout.workers=2" + tiny_train(dir.path())));
  CHECK(no_trainer.exit_code != 0);
  CHECK_THAT(no_trainer.out + no_trainer.err, Catch::Contains("leaves no rank to train"));
  const auto alone =
      run_command(terse_command("train run.name=alone rollout.workers=1" + tiny_train(dir.path())));
  CHECK(alone.exit_code == 2);
  CHECK_THAT(alone.err, Catch::Contains("rollout.workers"));
}

}  // namespace
}  // namespace terse
