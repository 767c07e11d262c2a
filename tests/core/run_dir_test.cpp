#include "core/run_dir.h"

#include "core/status.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

RunConfig run_in(const TempDir& dir, const std::string& name) {
  RunConfig run;
  run.dir = (dir / "runs").string();
  run.name = name;
  return run;
}

TEST_CASE("a new run directory gets the resolved config", "[run_dir]") {
  TempDir dir;
  const auto path = prepare_run_directory(run_in(dir, "first"), "trainer:\n  lr: 0.5\n");
  REQUIRE(path.ok());
  CHECK(*path == dir / "runs/first");
  CHECK(read_file(*path / kRunConfigFile) == "trainer:\n  lr: 0.5\n");
}

TEST_CASE("an existing run directory is refused unless resuming or overwriting", "[run_dir]") {
  TempDir dir;
  RunConfig run = run_in(dir, "taken");
  REQUIRE(prepare_run_directory(run, "old\n").ok());
  write_file(dir / "runs/taken/metrics.jsonl", "{}\n");

  const auto refused = prepare_run_directory(run, "new\n");
  REQUIRE_FALSE(refused.ok());
  CHECK(exit_code_for(refused.status()) == kExitInputError);
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("run.resume=true"));
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("run.overwrite=true"));
  CHECK(read_file(dir / "runs/taken" / kRunConfigFile) == "old\n");

  run.resume = true;
  REQUIRE(prepare_run_directory(run, "new\n").ok());
  CHECK(read_file(dir / "runs/taken" / kRunConfigFile) == "old\n");  // resume keeps the run
  CHECK(std::filesystem::exists(dir / "runs/taken/metrics.jsonl"));

  run.resume = false;
  run.overwrite = true;
  REQUIRE(prepare_run_directory(run, "new\n").ok());
  CHECK(read_file(dir / "runs/taken" / kRunConfigFile) == "new\n");
  CHECK_FALSE(std::filesystem::exists(dir / "runs/taken/metrics.jsonl"));
}

TEST_CASE("an empty existing directory is used as if new", "[run_dir]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "runs/empty");
  REQUIRE(prepare_run_directory(run_in(dir, "empty"), "x: 1\n").ok());
  CHECK(read_file(dir / "runs/empty" / kRunConfigFile) == "x: 1\n");
}

TEST_CASE("run names must be plain directory names", "[run_dir]") {
  RunConfig run;
  for (const std::string name : {"", "a/b", "..", "."}) {
    run.name = name;
    CHECK_FALSE(run.validate().ok());
  }
  run.name = "ok-name_1";
  CHECK(run.validate().ok());
  run.resume = run.overwrite = true;
  CHECK_THAT(std::string(run.validate().message()), Catch::Contains("choose one"));
}

TEST_CASE("exit codes: 2 for input errors, 1 for runtime failures", "[status]") {
  CHECK(exit_code_for(absl::OkStatus()) == 0);
  CHECK(exit_code_for(absl::InvalidArgumentError("x")) == 2);
  CHECK(exit_code_for(absl::NotFoundError("x")) == 2);
  CHECK(exit_code_for(absl::FailedPreconditionError("x")) == 2);
  CHECK(exit_code_for(absl::AlreadyExistsError("x")) == 2);
  CHECK(exit_code_for(absl::InternalError("x")) == 1);
  CHECK(exit_code_for(absl::ResourceExhaustedError("x")) == 1);
}

}  // namespace
}  // namespace terse
