// Several processes on localhost: collectives, rendezvous errors, a dead or stalled rank, and
// `terse launch`.
#include "core/process_group.h"

#include <chrono>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "core/checkpoint.h"
#include "core/launcher.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::terse_command;

struct RankResult {
  int exit_code;
  std::string output;
};

// Starts one worker per entry of `world_sizes` (rank i claims WORLD_SIZE world_sizes[i]) on
// `port` (0: a free port), waits for all, and returns each rank's exit code and output.
std::vector<RankResult> run_ranks(const std::string& scenario, std::vector<int> world_sizes,
                                  int64_t port = 0, std::vector<int64_t> ports = {}) {
  TempDir dir;
  if (port == 0) port = find_free_port().value();
  std::string script;
  for (size_t r = 0; r < world_sizes.size(); ++r) {
    const int64_t rank_port = r < ports.size() ? ports[r] : port;
    const std::string out = (dir / absl::StrCat("out", r)).string();
    absl::StrAppend(&script, "(RANK=", r, " LOCAL_RANK=", r, " WORLD_SIZE=", world_sizes[r],
                    " MASTER_ADDR=127.0.0.1 MASTER_PORT=", rank_port, " '", TERSE_DIST_WORKER, "' ",
                    scenario, " > '", out, "' 2>&1; echo $? > '", out, ".rc') & ");
  }
  script += "wait\n";
  testing::write_file(dir / "ranks.sh", script);
  run_command("sh '" + (dir / "ranks.sh").string() + "'");
  std::vector<RankResult> results;
  for (size_t r = 0; r < world_sizes.size(); ++r) {
    const std::string out = (dir / absl::StrCat("out", r)).string();
    results.push_back({std::atoi(read_file(out + ".rc").c_str()), read_file(out)});
  }
  return results;
}

TEST_CASE("all-reduce sums over three ranks, across several buckets and dtypes", "[dist]") {
  for (const RankResult& rank : run_ranks("all_reduce", {3, 3, 3})) {
    INFO(rank.output);
    CHECK(rank.exit_code == 0);
    CHECK_THAT(rank.output, Catch::Contains("all-reduce ok"));
  }
}

TEST_CASE("broadcast and send/recv deliver rank-specific data", "[dist]") {
  for (const RankResult& rank : run_ranks("broadcast", {2, 2})) {
    INFO(rank.output);
    CHECK(rank.exit_code == 0);
  }
  const auto ranks = run_ranks("send_recv", {2, 2});
  CHECK(ranks[0].exit_code == 0);
  CHECK_THAT(ranks[1].output, Catch::Contains("received ok"));
}

TEST_CASE("subgroups reduce, broadcast and send among their members only", "[dist]") {
  for (const RankResult& rank : run_ranks("subgroups", {3, 3, 3})) {
    INFO(rank.output);
    CHECK(rank.exit_code == 0);
    CHECK_THAT(rank.output, Catch::Contains("subgroups ok"));
  }
}

TEST_CASE("a dead rank ends the others with an error that names it", "[dist]") {
  const auto start = std::chrono::steady_clock::now();
  const auto ranks = run_ranks("die", {2, 2});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(ranks[0].output);
  CHECK(ranks[1].exit_code == 7);
  CHECK(ranks[0].exit_code == 1);
  CHECK_THAT(ranks[0].output, Catch::Contains("all-reduce failed because rank 1 is gone"));
  CHECK(seconds < 20);  // well within the 6 s collective timeout plus start-up
}

TEST_CASE("ranks that disagree on WORLD_SIZE stop with a clear error", "[dist]") {
  const auto ranks = run_ranks("all_reduce", {2, 3});
  INFO(ranks[0].output << ranks[1].output);
  CHECK(ranks[1].exit_code != 0);
  CHECK_THAT(ranks[1].output, Catch::Contains("WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2"));
  CHECK(ranks[0].exit_code != 0);  // rank 0 waits for a second rank that never joins, then stops
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_CASE("a rendezvous that never completes ends within the timeout", "[dist]") {
  // Rank 1 looks for the store on a port nobody serves.
  const int64_t port = find_free_port().value();
  const int64_t wrong = find_free_port().value();
  const auto start = std::chrono::steady_clock::now();
  const auto ranks = run_ranks("all_reduce", {2, 2}, port, {port, wrong});
  INFO(ranks[0].output << ranks[1].output);
  CHECK(ranks[1].exit_code == 1);
  CHECK_THAT(ranks[1].output, Catch::Contains(absl::StrCat("rank 1/2 meeting at 127.0.0.1:", wrong,
                                                           ": rendezvous failed")));
  CHECK(ranks[0].exit_code == 1);
  CHECK_THAT(ranks[0].output, Catch::Contains("rendezvous failed"));
  CHECK(seconds_since(start) < 20);  // the 6 s rendezvous timeout plus start-up
}

TEST_CASE("a world size that no peer completes ends within the timeout", "[dist]") {
  // Rank 0 of WORLD_SIZE=2 alone: its store waits for a second rank that never comes.
  const auto start = std::chrono::steady_clock::now();
  const auto ranks = run_ranks("all_reduce", {2});
  INFO(ranks[0].output);
  CHECK(ranks[0].exit_code == 1);
  CHECK_THAT(ranks[0].output, Catch::Contains("rank 0/2 meeting at 127.0.0.1:") &&
                                  Catch::Contains("rendezvous failed"));
  CHECK(seconds_since(start) < 20);
}

TEST_CASE("a rank killed during a checkpoint save: the save fails, the last checkpoint stays",
          "[dist][checkpoint]") {
  TempDir dir;
  const std::filesystem::path root = dir / "checkpoints";
  const auto start = std::chrono::steady_clock::now();
  const auto ranks = run_ranks("die_during_save '" + root.string() + "'", {2, 2});
  INFO(ranks[0].output << ranks[1].output);
  CHECK(ranks[1].exit_code == 128 + 9);  // SIGKILL, as the shell reports it
  CHECK(ranks[0].exit_code == 1);
  CHECK_THAT(ranks[0].output, Catch::Contains("saved step 1"));
  CHECK_THAT(ranks[0].output, Catch::Contains("all-reduce failed because rank 1 is gone"));
  CHECK_THAT(ranks[0].output, Catch::Contains("previous checkpoint is intact"));
  CHECK(seconds_since(start) < 20);  // the 6 s collective timeout plus start-up
  CHECK(verify_checkpoint(root / "step-00000001").ok());
  CHECK(find_latest_checkpoint(root).value() == root / "step-00000001");
  CHECK(read_file(root / "step-00000001/sum.txt") == "8\n");  // 4 ones summed over 2 ranks
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root))
    entries += entry.is_directory();
  CHECK(entries == 1);  // no temporary directory left behind
}

TEST_CASE("bad torchrun variables are input errors naming the variable", "[dist]") {
  const auto result =
      run_command("RANK=2 WORLD_SIZE=2 '" + std::string(TERSE_DIST_WORKER) + "' all_reduce");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.out, Catch::Contains("RANK=2 must be below WORLD_SIZE=2"));
  const auto port = run_command("MASTER_PORT=http '" + std::string(TERSE_DIST_WORKER) + "' x");
  CHECK(port.exit_code == 2);
  CHECK_THAT(port.out, Catch::Contains("MASTER_PORT"));
}

TEST_CASE("terse launch runs the ranks with prefixed output", "[dist][launch]") {
  const auto ok = run_command(terse_command("launch --nproc 2 --exec -- '" +
                                            std::string(TERSE_DIST_WORKER) + "' all_reduce"));
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("[rank 0] all-reduce ok"));
  CHECK_THAT(ok.out, Catch::Contains("[rank 1] all-reduce ok"));
}

TEST_CASE("terse launch stops every rank when one fails and names it", "[dist][launch]") {
  const auto start = std::chrono::steady_clock::now();
  const auto failed = run_command(terse_command("launch --nproc 2 --grace 2 --exec -- '" +
                                                std::string(TERSE_DIST_WORKER) + "' hang"));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  // Rank 0 times out on the stalled rank 1 (6 s), then the launcher stops rank 1.
  CHECK_THAT(failed.out, Catch::Contains("terse launch: rank 0 exited with code 1; stopping the "
                                         "other ranks"));
  CHECK_THAT(failed.out, Catch::Contains("terse launch: rank 1 was killed by signal 15"));
  CHECK(seconds < 30);
}

}  // namespace
}  // namespace terse
