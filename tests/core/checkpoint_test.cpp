#include "core/checkpoint.h"

#include <signal.h>
#include <sys/resource.h>

#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

// A checkpoint of two small files whose contents name the step.
CheckpointFiles files_for(int64_t step) {
  return [step](const fs::path& dir) {
    write_file(dir / "model.bin", "weights of step " + std::to_string(step));
    write_file(dir / "state.json", "{\"step\": " + std::to_string(step) + "}");
    return absl::OkStatus();
  };
}

TEST_CASE("checkpoints rotate, and latest names the newest", "[checkpoint]") {
  TempDir dir;
  const fs::path root = dir / "checkpoints";
  for (int64_t step : {10, 20, 30}) REQUIRE(save_checkpoint(root, step, files_for(step), 2).ok());
  CHECK_FALSE(fs::exists(root / "step-00000010"));
  CHECK(fs::exists(root / "step-00000020"));
  CHECK(read_file(root / kLatestFile) == "step-00000030\n");
  const auto latest = find_latest_checkpoint(root);
  REQUIRE(latest.has_value());
  CHECK(*latest == root / "step-00000030");
  CHECK(read_file(*latest / "model.bin") == "weights of step 30");
  CHECK(checkpoint_step(*latest).value() == 30);
  CHECK(verify_checkpoint(*latest).ok());
}

TEST_CASE("a corrupted checkpoint is refused and the previous one is found", "[checkpoint]") {
  TempDir dir;
  const fs::path root = dir / "checkpoints";
  REQUIRE(save_checkpoint(root, 1, files_for(1), 3).ok());
  REQUIRE(save_checkpoint(root, 2, files_for(2), 3).ok());
  write_file(root / "step-00000002/model.bin", "weights of step 9");  // same size, other bytes
  const absl::Status status = verify_checkpoint(root / "step-00000002");
  CHECK_THAT(std::string(status.message()), Catch::Contains("`model.bin` does not match"));
  CHECK(find_latest_checkpoint(root).value() == root / "step-00000001");

  write_file(root / "step-00000001/extra.bin", "x");
  CHECK_THAT(std::string(verify_checkpoint(root / "step-00000001").message()),
             Catch::Contains("`extra.bin` is not in the manifest"));
  CHECK_FALSE(find_latest_checkpoint(root).has_value());
}

TEST_CASE("a directory without a manifest is incomplete and skipped", "[checkpoint]") {
  TempDir dir;
  const fs::path root = dir / "checkpoints";
  REQUIRE(save_checkpoint(root, 5, files_for(5), 3).ok());
  write_file(root / "step-00000009/model.bin", "half written");
  write_file(root / kLatestFile, "step-00000009\n");  // even if latest says so
  CHECK_THAT(std::string(verify_checkpoint(root / "step-00000009").message()),
             Catch::Contains("incomplete"));
  CHECK(find_latest_checkpoint(root).value() == root / "step-00000005");
}

TEST_CASE("a failed save leaves the previous checkpoint as the latest", "[checkpoint]") {
  TempDir dir;
  const fs::path root = dir / "checkpoints";
  REQUIRE(save_checkpoint(root, 1, files_for(1), 3).ok());
  const auto failed = save_checkpoint(
      root, 2,
      [](const fs::path& d) {
        write_file(d / "model.bin", "partial");
        return absl::InternalError("writer crashed");
      },
      3);
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(std::string(failed.status().message()),
             Catch::Contains("previous checkpoint is intact"));
  CHECK_THAT(std::string(failed.status().message()), Catch::Contains("writer crashed"));
  CHECK(read_file(root / kLatestFile) == "step-00000001\n");
  CHECK(find_latest_checkpoint(root).value() == root / "step-00000001");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(root)) entries += entry.is_directory();
  CHECK(entries == 1);  // no temporary directory left behind
}

TEST_CASE("a full disk during a save is an error and the previous checkpoint survives",
          "[checkpoint]") {
  TempDir dir;
  const fs::path root = dir / "checkpoints";
  REQUIRE(save_checkpoint(root, 1, files_for(1), 3).ok());
  // Files may not grow past 64 KiB: writing more fails with EFBIG, as on a full disk.
  rlimit original{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &original) == 0);
  const auto old_handler = signal(SIGXFSZ, SIG_IGN);
  rlimit small = original;
  small.rlim_cur = 64 << 10;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  const auto failed = save_checkpoint(
      root, 2,
      [](const fs::path& d) {
        std::ofstream out(d / "model.bin", std::ios::binary);
        const std::string block(1 << 20, 'w');
        out.write(block.data(), static_cast<std::streamsize>(block.size()));
        out.flush();
        return out ? absl::OkStatus() : absl::ResourceExhaustedError("model.bin: write failed");
      },
      3);
  setrlimit(RLIMIT_FSIZE, &original);
  signal(SIGXFSZ, old_handler);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(find_latest_checkpoint(root).value() == root / "step-00000001");
  CHECK(read_file(root / "step-00000001/model.bin") == "weights of step 1");
}

TEST_CASE("metrics.jsonl keeps the steps up to a resumed checkpoint", "[metrics_log]") {
  TempDir dir;
  const fs::path path = dir / kMetricsFile;
  {
    auto log = MetricsLog::open(path, std::nullopt);
    REQUIRE(log.ok());
    for (int64_t step = 1; step <= 4; ++step) {
      REQUIRE(log->write(step, {{"loss", 1.0 / step}, {"reward/mean", 0.25 * step}}).ok());
    }
  }
  CHECK(read_file(path) ==
        "{\"loss\":1.0,\"reward/mean\":0.25,\"step\":1}\n"
        "{\"loss\":0.5,\"reward/mean\":0.5,\"step\":2}\n"
        "{\"loss\":0.3333333333333333,\"reward/mean\":0.75,\"step\":3}\n"
        "{\"loss\":0.25,\"reward/mean\":1.0,\"step\":4}\n");
  {
    auto log = MetricsLog::open(path, int64_t{2});
    REQUIRE(log.ok());
    REQUIRE(log->write(3, {{"loss", std::nan("")}}).ok());
  }
  const auto rows = read_metrics_log(path);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[1].first == 2);
  CHECK((*rows)[1].second.at("reward/mean") == 0.5);
  CHECK((*rows)[2].first == 3);
  CHECK(std::isnan((*rows)[2].second.at("loss")));  // written as null
  REQUIRE(MetricsLog::open(path, std::nullopt).ok());
  CHECK(read_file(path).empty());  // a fresh run starts the file afresh
}

}  // namespace
}  // namespace terse
