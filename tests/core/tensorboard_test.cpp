// TensorBoard event files, read back by an independent Python reader (protobuf + its own CRC32C).
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "core/tensorboard_writer.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::run_command;
using testing::TempDir;

TEST_CASE("CRC32C matches the standard check value", "[tensorboard]") {
  CHECK(crc32c("123456789") == 0xE3069283u);  // the CRC-32C check value (RFC 3720, B.4)
  CHECK(crc32c("") == 0u);
  // masked = rotr(crc, 15) + 0xa282ead8 (TFRecord framing).
  const uint32_t crc = 0xE3069283u;
  CHECK(masked_crc32c("123456789") == ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST_CASE("scalars read back through the published Event schema", "[tensorboard]") {
  TempDir dir;
  auto writer = TensorBoardWriter::open(dir / "tb");
  REQUIRE(writer.ok());
  REQUIRE(writer->write(1, {{"loss", 0.5}, {"reward/mean", 0.25}}).ok());
  REQUIRE(writer->write(2, {{"loss", 0.125}, {"broken", std::nan("")}}).ok());
  CHECK_THAT(writer->path().filename().string(), Catch::StartsWith("events.out.tfevents."));

  const auto read = run_command("/usr/bin/python3 '" + std::string(TERSE_SOURCE_DIR) +
                                "/tests/core/read_tfevents.py' '" + writer->path().string() + "'");
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  const std::vector<std::string> lines = absl::StrSplit(read.out, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == 3);
  const auto version = nlohmann::json::parse(lines[0]);
  CHECK(version["file_version"] == "brain.Event:2");
  const auto first = nlohmann::json::parse(lines[1]);
  CHECK(first["step"] == 1);
  CHECK(first["values"]["loss"].get<double>() == 0.5);
  CHECK(first["values"]["reward/mean"].get<double>() == 0.25);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::abs(first["wall_time"].get<double>() - now) < 60);
  const auto second = nlohmann::json::parse(lines[2]);
  CHECK(second["step"] == 2);
  CHECK(second["values"]["loss"].get<double>() == 0.125);
  CHECK_FALSE(second["values"].contains("broken"));  // non-finite values are left out
}

TEST_CASE("the reader rejects a corrupted record", "[tensorboard]") {
  TempDir dir;
  auto writer = TensorBoardWriter::open(dir / "tb");
  REQUIRE(writer.ok());
  REQUIRE(writer->write(1, {{"loss", 0.5}}).ok());
  std::string bytes = testing::read_file(writer->path());
  bytes[bytes.size() - 6] ^= 0x40;  // flip a bit inside the last record's data
  testing::write_file(dir / "corrupt", bytes);
  const auto read =
      run_command("/usr/bin/python3 '" + std::string(TERSE_SOURCE_DIR) +
                  "/tests/core/read_tfevents.py' '" + (dir / "corrupt").string() + "'");
  CHECK(read.exit_code == 1);
  CHECK_THAT(read.err, Catch::Contains("bad record"));
}

}  // namespace
}  // namespace terse
