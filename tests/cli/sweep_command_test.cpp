// `terse sweep`: sweep-file errors, a dry run, and a small SFT sweep run, resumed, summarised,
// and killed with SIGKILL mid-run and resumed.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::terse_command;
using testing::write_file;

// A model and data small enough that a run takes about a second.
constexpr char kTinyBase[] =
    "base: [model.hidden_size=32, model.num_layers=1, model.num_heads=2, model.num_kv_heads=2,\n"
    "       model.intermediate_size=64, data.train_size=16, data.test_size=8, trainer.steps=2,\n"
    "       trainer.sft.batch_size=4, trainer.eval_every=0, trainer.save_every=1]\n"
    "command: sft\n";

std::vector<std::string> lines_of(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

testing::CommandResult sweep(const fs::path& file, const std::string& args = "") {
  return run_command(terse_command("sweep '" + file.string() + "' " + args));
}

TEST_CASE("sweep file mistakes exit with 2 and say where they are", "[cli][sweep]") {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"grid: {trainer.lr: [1]}\ngrids: {}\n", "bad.yaml:2:1: unknown key `grids`"},
      {"zip: {trainer.lr: [1, 2], trainer.steps: [1]}\n",
       "bad.yaml:1:42: `zip`: `trainer.steps` has 1 values but `trainer.lr` has 2"},
      {"grid:\n  trainer.lrr: [1]\n",
       "bad.yaml:2:3: unknown key `trainer.lrr`; did you mean `trainer.lr`?"},
      {"grid: {trainer.lr: [0.1, -1]}\n",
       "run `lr--1`: override `trainer.lr=-1`: `trainer.lr` = -1 is out of range"},
      {"base: missing.yaml\ngrid: {trainer.lr: [1]}\n", "missing.yaml` does not exist"},
      {"command: generate\ngrid: {trainer.lr: [1]}\n",
       "bad.yaml:1:10: `command: generate` is not a command that runs a config"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    write_file(dir / "bad.yaml", text);
    const auto result = sweep(dir / "bad.yaml", "--out '" + (dir / "out").string() + "'");
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(expected));
    CHECK_FALSE(fs::exists(dir / "out"));  // nothing ran
  }
  CHECK(sweep(dir / "none.yaml").exit_code == 2);
}

TEST_CASE("a dry run lists each run's command and runs nothing", "[cli][sweep]") {
  TempDir dir;
  write_file(dir / "s.yaml", std::string(kTinyBase) +
                                 "grid: {trainer.lr: [0.001, 0.003]}\nname: \"lr{trainer.lr}\"\n"
                                 "parallel: 2\n");
  const auto result = sweep(dir / "s.yaml", "--dry-run --out '" + (dir / "out").string() + "'");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("2 runs in " + (dir / "out").string() + ", 2 at once"));
  CHECK_THAT(result.out, Catch::Contains("lr0.003: terse sft runtime.threads="));
  CHECK_THAT(result.out, Catch::Contains("trainer.lr=0.003 run.dir=" + (dir / "out").string() +
                                         " run.name=lr0.003"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("a sweep runs, records, resumes and summarises its runs", "[cli][sweep]") {
  TempDir dir;
  const fs::path out = dir / "out";
  write_file(dir / "s.yaml", std::string(kTinyBase) +
                                 "grid:\n  trainer.lr: [0.001, 0.003]\n  run.seed: [0]\n"
                                 "parallel: 2\nout: " +
                                 out.string() + "\n");
  const auto first = sweep(dir / "s.yaml");
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("start lr-0.001_seed-0"));
  CHECK_THAT(first.out, Catch::Contains("(2/2 done, 0 failed)"));
  for (const char* run : {"lr-0.001_seed-0", "lr-0.003_seed-0"}) {
    INFO(run);
    CHECK(fs::exists(out / run / "checkpoints/step-00000002/model.safetensors"));
    CHECK(fs::exists(out / "logs" / (std::string(run) + ".txt")));
    CHECK_THAT(read_file(out / run / "config.yaml"), Catch::Contains("name: " + std::string(run)));
  }
  const std::vector<std::string> csv = lines_of(read_file(out / "summary.csv"));
  REQUIRE(csv.size() == 3);
  CHECK(csv[0] ==
        "run,trainer.lr,run.seed,status,seconds,eval/accuracy,eval/length_mean,"
        "eval/tokens_per_correct");
  CHECK_THAT(csv[1], Catch::StartsWith("lr-0.001_seed-0,0.001,0,done,"));
  CHECK_THAT(read_file(out / "summary.md"), Catch::Contains("| lr-0.003_seed-0 | 0.003 | 0 |"));
  CHECK_THAT(read_file(out / "pareto.svg"), Catch::StartsWith("<svg"));

  // Everything done: nothing runs.
  const auto third = sweep(dir / "s.yaml");
  CHECK(third.exit_code == 0);
  CHECK_THAT(third.out, Catch::Contains("(2 done before)"));
  CHECK_THAT(third.out, !Catch::Contains("start "));

  // The same directory with other values for a run is another sweep.
  write_file(dir / "s.yaml",
             std::string(kTinyBase) +
                 "grid:\n  trainer.lr: [0.001, 0.003]\n  run.seed: [0]\n"
                 "zip: {trainer.warmup_steps: [1]}\nname: \"lr-{trainer.lr}_seed-{run.seed}\"\n"
                 "out: " +
                 out.string() + "\n");
  const auto changed = sweep(dir / "s.yaml");
  CHECK(changed.exit_code == 2);
  CHECK_THAT(changed.err, Catch::Contains("this directory holds another sweep"));

  // terse report on the sweep directory rewrites the summary and charts the runs.
  fs::remove(out / "summary.csv");
  const auto report = run_command(terse_command("report '" + out.string() + "'"));
  INFO(report.err);
  CHECK(report.exit_code == 0);
  CHECK(fs::exists(out / "summary.csv"));
  CHECK_THAT(read_file(out / "report.html"), Catch::Contains("lr-0.003_seed-0"));
}

// summary.csv without its `seconds` column (wall time differs from run to run).
std::vector<std::string> summary_without_seconds(const fs::path& out) {
  const std::vector<std::string> lines = lines_of(read_file(out / "summary.csv"));
  REQUIRE_FALSE(lines.empty());
  const std::vector<std::string> header = absl::StrSplit(lines[0], ',');
  const auto seconds = std::find(header.begin(), header.end(), "seconds") - header.begin();
  REQUIRE(seconds < static_cast<std::ptrdiff_t>(header.size()));
  std::vector<std::string> rows;
  for (const std::string& line : lines) {
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    REQUIRE(cells.size() == header.size());
    cells.erase(cells.begin() + seconds);
    rows.push_back(absl::StrJoin(cells, ","));
  }
  return rows;
}

TEST_CASE("a sweep killed with SIGKILL mid-run resumes to the summary of an uninterrupted one",
          "[cli][sweep][kill]") {
  TempDir dir;
  // One run at a time, long enough (100 steps) to be killed in the middle of the second, and
  // evaluated (steps 50 and 100) so that the summary holds figures.
  const auto write_sweep = [&](const std::string& name) {
    write_file(
        dir / (name + ".yaml"),
        std::string(kTinyBase) +
            "grid:\n  trainer.lr: [0.001, 0.003]\n  run.seed: [0]\n"
            "zip: {trainer.steps: [100], trainer.save_every: [5], trainer.eval_every: [50],\n"
            "      trainer.sft.eval_generate: [4]}\n"
            "name: \"lr-{trainer.lr}\"\nparallel: 1\nout: " +
            (dir / name).string() + "\n");
  };
  write_sweep("straight");
  write_sweep("killed");
  const auto straight = sweep(dir / "straight.yaml");
  INFO(straight.out << straight.err);
  REQUIRE(straight.exit_code == 0);

  const pid_t pid = testing::start_terse("sweep '" + (dir / "killed.yaml").string() + "'");
  REQUIRE(pid > 0);
  const fs::path second_metrics = dir / "killed/lr-0.003/metrics.jsonl";
  int status = 0;
  bool exited = false;
  while (!(fs::exists(second_metrics) && !read_file(second_metrics).empty())) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE_FALSE(exited);  // the sweep is still in its second run
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  // The first run is recorded as done; the second was cut short (its last step is not logged).
  CHECK(lines_of(read_file(dir / "killed/sweep_state.jsonl")).size() == 1);
  CHECK(lines_of(read_file(second_metrics)).size() < 100);

  // The killed sweep's run died with it (it holds no lock): the sweep resumes it.
  const auto resumed = sweep(dir / "killed.yaml");
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("(1 done before)"));
  CHECK_THAT(resumed.out, Catch::Contains("start lr-0.003 (resuming)"));
  CHECK_THAT(resumed.out, !Catch::Contains("start lr-0.001 "));
  const std::vector<std::string> summary = summary_without_seconds(dir / "killed");
  CHECK(summary == summary_without_seconds(dir / "straight"));
  CHECK_THAT(summary.at(2), Catch::StartsWith("lr-0.003,0.003,0,100,5,50,4,done,0"));
  CHECK(read_file(dir / "killed/lr-0.003/checkpoints/step-00000100/model.safetensors") ==
        read_file(dir / "straight/lr-0.003/checkpoints/step-00000100/model.safetensors"));
}

TEST_CASE("a failed run is recorded, the others finish, and the sweep exits 1", "[cli][sweep]") {
  TempDir dir;
  const fs::path out = dir / "out";
  write_file(dir / "s.yaml",
             std::string(kTinyBase) + "grid: {model.path: [\"" + (dir / "no_model").string() +
                 "\", \"\"]}\nname: \"m{model.path}\"\nout: " + out.string() + "\n");
  const auto result = sweep(dir / "s.yaml");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("1 of 2 runs failed: m"));
  CHECK_THAT(result.out, Catch::Contains("(1/2 done, 1 failed)"));
  CHECK_THAT(read_file(out / "summary.csv"), Catch::Contains(",failed (exit 2),"));
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

TEST_CASE("the length-penalty sweep example runs end to end when shortened", "[cli][sweep]") {
  TempDir dir;
  const fs::path example = fs::path(TERSE_SOURCE_DIR) / "configs/sweeps/length_penalties.yaml";
  // From a fresh tiny model instead of the SFT run, two steps each.
  const std::string shorten =
      "--out '" + (dir / "sweep").string() +
      "' --parallel 2 \"model.path=''\" model.hidden_size=32 model.num_layers=1 model.num_heads=2 "
      "model.num_kv_heads=2 model.intermediate_size=64 model.max_seq_len=128 data.train_size=32 "
      "data.test_size=8 rollout.group_size=4 rollout.max_new_tokens=16 trainer.batch_prompts=2 "
      "trainer.steps=2 trainer.warmup_steps=0 trainer.eval_every=2 trainer.eval_problems=4 "
      "trainer.save_every=0";
  const auto result = sweep(example, shorten);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const std::vector<std::string> rows = lines_of(read_file(dir / "sweep/summary.csv"));
  CHECK(rows.size() == 1 + 11);  // the header and one row per run
  CHECK(absl::StrContains(read_file(dir / "sweep/summary.md"), "lc_r1"));
  CHECK(absl::StrContains(read_file(dir / "sweep/pareto.svg"), "<svg"));
  CHECK(fs::exists(dir / "sweep/kimi_0.5/metrics.jsonl"));
}

}  // namespace
}  // namespace terse
