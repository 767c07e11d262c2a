// safetensors: bit-identical round trips (single file and sharded) and clear errors for
// malformed files.
#include "models/safetensors.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "tests/catch.h"
#include "tests/models/model_test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

std::vector<NamedTensor> sample_tensors() {
  at::manual_seed(3);
  return {
      {"f32", at::randn({3, 5})},
      {"bf16", at::randn({4, 2}).to(at::kBFloat16)},
      {"f16", at::randn({7}).to(at::kHalf)},
      {"f32.transposed", at::randn({4, 3}).t()},  // not contiguous
      {"i64", at::arange(5, at::kLong)},
      {"empty", at::zeros({0, 4})},
      {"scalar", at::tensor(2.5f).reshape({})},
  };
}

// A file made of a header length, `header` text and `data_bytes` zero bytes.
std::string write_raw(const testing::TempDir& dir, const std::string& header, size_t data_bytes,
                      uint64_t claimed_length) {
  std::string path = dir.file("raw.safetensors");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((claimed_length >> (8 * i)) & 0xff));
  out << header << std::string(data_bytes, '\0');
  return path;
}

std::string write_raw(const testing::TempDir& dir, const std::string& header, size_t data_bytes) {
  return write_raw(dir, header, data_bytes, header.size());
}

// The error of opening `path`, which must fail with InvalidArgument.
std::string open_error(const std::string& path) {
  const auto file = SafetensorsFile::open(path);
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(file.status().message()), Catch::Contains(path));
  return std::string(file.status().message());
}

TEST_CASE("safetensors files round-trip bit-identically", "[safetensors]") {
  testing::TempDir dir;
  const auto tensors = sample_tensors();
  const std::string path = dir.file("t.safetensors");
  REQUIRE(write_safetensors(path, tensors, {{"format", "pt"}}).ok());

  const auto file = SafetensorsFile::open(path);
  REQUIRE(file.ok());
  CHECK((*file)->metadata() == std::map<std::string, std::string>{{"format", "pt"}});
  REQUIRE((*file)->entries().size() == tensors.size());
  for (const NamedTensor& t : tensors) {
    INFO(t.name);
    const SafetensorsEntry* entry = (*file)->find(t.name);
    REQUIRE(entry != nullptr);
    CHECK(testing::bit_identical((*file)->tensor(*entry), t.tensor));
  }
  CHECK((*file)->find("absent") == nullptr);

  // The header is 8-byte aligned and states dtypes the way other readers expect.
  const std::string bytes = testing::read_file(path);
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  CHECK(header_length % 8 == 0);
  const auto header = nlohmann::json::parse(bytes.substr(8, header_length));
  CHECK(header["bf16"]["dtype"] == "BF16");
  CHECK(header["f16"]["dtype"] == "F16");
  CHECK(header["f32"]["shape"] == nlohmann::json::array({3, 5}));
}

TEST_CASE("tensors read from a file are copy-on-write views", "[safetensors]") {
  testing::TempDir dir;
  const std::string path = dir.file("t.safetensors");
  REQUIRE(write_safetensors(path, {{"x", at::ones({4})}}).ok());
  const std::string before = testing::read_file(path);
  at::Tensor view;
  {
    auto file = SafetensorsFile::open(path);
    REQUIRE(file.ok());
    view = (*file)->tensor(*(*file)->find("x"));
  }  // the tensor keeps the mapping alive
  view.mul_(3);
  CHECK(view.sum().item<float>() == 12.0f);
  CHECK(testing::read_file(path) == before);
}

TEST_CASE("sharded checkpoints round-trip with an index", "[safetensors]") {
  testing::TempDir dir;
  const auto tensors = sample_tensors();
  // 60 + 16 + 14 + 48 + 40 + 0 + 4 bytes in shards of at most 64 bytes.
  REQUIRE(write_safetensors_checkpoint(dir.path().string(), tensors, 64, {{"format", "pt"}}).ok());
  CHECK_FALSE(fs::exists(dir.file("model.safetensors")));
  const auto index =
      nlohmann::json::parse(testing::read_file(dir.file("model.safetensors.index.json")));
  CHECK(index["metadata"]["total_size"] == 182);
  CHECK(index["weight_map"]["f32"] == "model-00001-of-00004.safetensors");
  CHECK(index["weight_map"]["scalar"] == "model-00004-of-00004.safetensors");
  for (int i = 1; i <= 4; ++i) {
    CHECK(fs::exists(dir.file("model-0000" + std::to_string(i) + "-of-00004.safetensors")));
  }

  const auto checkpoint = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->files().size() == 4);
  CHECK(checkpoint->names().size() == tensors.size());
  for (const NamedTensor& t : tensors) {
    INFO(t.name);
    CHECK(testing::bit_identical(checkpoint->tensor(t.name), t.tensor));
  }

  SECTION("one file when everything fits") {
    testing::TempDir single;
    REQUIRE(write_safetensors_checkpoint(single.path().string(), tensors, 1 << 20).ok());
    CHECK(fs::exists(single.file("model.safetensors")));
    CHECK_FALSE(fs::exists(single.file("model.safetensors.index.json")));
    const auto one = SafetensorsCheckpoint::open(single.path().string());
    REQUIRE(one.ok());
    CHECK(testing::bit_identical(one->tensor("bf16"), tensors[1].tensor));
  }
}

TEST_CASE("a sharded index that disagrees with its shards is an error", "[safetensors]") {
  testing::TempDir dir;
  REQUIRE(write_safetensors(dir.file("a.safetensors"), {{"x", at::ones({2})}}).ok());
  auto write_index = [&](const nlohmann::json& weight_map) {
    std::ofstream(dir.file("model.safetensors.index.json"))
        << nlohmann::json{{"weight_map", weight_map}}.dump();
  };

  write_index({{"x", "a.safetensors"}, {"y", "a.safetensors"}});
  auto result = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(std::string(result.status().message()),
             Catch::Contains("`y` is listed in the index but missing from a.safetensors"));

  write_index(nlohmann::json::object());
  result = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("lists no tensors"));

  write_index({{"x", "../a.safetensors"}});
  result = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("not a plain file name"));

  write_index({{"x", "missing.safetensors"}});
  result = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("missing.safetensors"));

  std::ofstream(dir.file("model.safetensors.index.json")) << "{not json";
  result = SafetensorsCheckpoint::open(dir.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("not valid JSON"));

  testing::TempDir empty;
  result = SafetensorsCheckpoint::open(empty.path().string());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("malformed safetensors files give clear errors, never a crash", "[safetensors]") {
  testing::TempDir dir;
  const std::string tensor = R"("w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]})";

  SECTION("a valid file of the same construction opens") {
    const auto file = SafetensorsFile::open(write_raw(dir, "{" + tensor + "}", 16));
    REQUIRE(file.ok());
    CHECK((*file)->tensor(*(*file)->find("w")).sum().item<float>() == 0.0f);
  }
  SECTION("missing file") {
    const auto file = SafetensorsFile::open(dir.file("nope.safetensors"));
    REQUIRE_FALSE(file.ok());
    CHECK(file.status().code() == absl::StatusCode::kNotFound);
  }
  SECTION("shorter than the length field") {
    const std::string path = dir.file("short.safetensors");
    std::ofstream(path) << "abc";
    CHECK_THAT(open_error(path), Catch::Contains("shorter than the 8-byte header length"));
  }
  SECTION("header length beyond the file") {
    CHECK_THAT(open_error(write_raw(dir, "{" + tensor + "}", 16, 1000)),
               Catch::Contains("header length is 1000 bytes, but only"));
  }
  SECTION("huge header length") {
    CHECK_THAT(open_error(write_raw(dir, "{}", 0, uint64_t{1} << 62)),
               Catch::Contains("over the limit"));
  }
  SECTION("invalid JSON") {
    CHECK_THAT(open_error(write_raw(dir, "{\"w\": {\"dtype\": ", 0)),
               Catch::Contains("header is not valid JSON"));
  }
  SECTION("a number too large for a double in the header") {
    // Found by fuzz/safetensors_fuzzer.cpp: nlohmann-json throws out_of_range, not parse_error.
    const std::string header =
        R"({"w": {"dtype": "U8", "shape": [1], "data_offsets": [1e789614, 1]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 1)),
               Catch::Contains("header is not valid JSON") && Catch::Contains("number overflow"));
  }
  SECTION("a 100 MB header length") {
    CHECK_THAT(open_error(write_raw(dir, "{}", 0, kMaxSafetensorsHeaderBytes + 1)),
               Catch::Contains("its header length is 100000001 bytes, over the limit"));
    CHECK_THAT(open_error(write_raw(dir, "{}", 0, kMaxSafetensorsHeaderBytes)),
               Catch::Contains("header length is 100000000 bytes, but only 2 bytes follow"));
  }
  SECTION("offsets far past the end of the data") {
    const std::string header =
        R"({"w": {"dtype": "U8", "shape": [1], "data_offsets": [18446744073709551614, 18446744073709551615]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 4)),
               Catch::Contains("ends at byte 18446744073709551615 of the data, but the data "
                               "section has only 4 bytes"));
  }
  SECTION("an empty file") {
    const std::string path = dir.file("empty.safetensors");
    std::ofstream(path, std::ios::trunc).flush();
    CHECK_THAT(open_error(path), Catch::Contains("it is 0 bytes long"));
  }
  SECTION("header is not an object") {
    CHECK_THAT(open_error(write_raw(dir, "[1, 2]", 0)), Catch::Contains("not a JSON object"));
  }
  SECTION("deeply nested header") {
    const std::string nested = std::string(200000, '[') + std::string(200000, ']');
    CHECK_THAT(open_error(write_raw(dir, nested, 0)), Catch::Contains("not a JSON object"));
  }
  SECTION("truncated data") {
    CHECK_THAT(open_error(write_raw(dir, "{" + tensor + "}", 10)),
               Catch::Contains("tensor `w` ends at byte 16") && Catch::Contains("truncated"));
  }
  SECTION("dtype x shape does not match the byte length") {
    const std::string header =
        R"({"w": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 16]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 16)),
               Catch::Contains("tensor `w` is BF16 of shape [2,2] (4 x 2 bytes) but its "
                               "data_offsets span 16 bytes"));
  }
  SECTION("overflowing shape") {
    const std::string header =
        R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296, 4], "data_offsets": [0, 16]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 16)), Catch::Contains("invalid shape"));
  }
  SECTION("negative dimension") {
    const std::string header =
        R"({"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 16)), Catch::Contains("invalid shape"));
  }
  SECTION("overlapping tensors") {
    const std::string header =
        R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 12)),
               Catch::Contains("tensors `a` and `b` overlap"));
  }
  SECTION("bytes that belong to no tensor") {
    const std::string header =
        R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
            "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 12)), Catch::Contains("belong to no tensor"));
  }
  SECTION("offsets reversed") {
    const std::string header = R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 8)), Catch::Contains("invalid data_offsets"));
  }
  SECTION("unknown dtype") {
    const std::string header =
        R"({"w": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [0, 4]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 4)),
               Catch::Contains("dtype `F8_E4M3`, which terse does not read"));
  }
  SECTION("missing fields") {
    const std::string header = R"({"w": {"dtype": "F32", "shape": [1]}})";
    CHECK_THAT(open_error(write_raw(dir, header, 4)), Catch::Contains("tensor `w` lacks"));
  }
  SECTION("metadata that is not text") {
    const std::string header = R"({"__metadata__": {"format": 1}})";
    CHECK_THAT(open_error(write_raw(dir, header, 0)), Catch::Contains("`__metadata__.format`"));
  }
  SECTION("every truncation of a valid file fails cleanly") {
    const std::string path = dir.file("valid.safetensors");
    REQUIRE(write_safetensors(path, sample_tensors()).ok());
    const std::string bytes = testing::read_file(path);
    for (size_t length = 0; length < bytes.size(); length += 7) {
      const std::string cut = dir.file("cut.safetensors");
      std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, length);
      INFO("truncated to " << length << " of " << bytes.size() << " bytes");
      CHECK_FALSE(SafetensorsFile::open(cut).ok());
    }
  }
}

TEST_CASE("writing refuses duplicate names and unwritable places", "[safetensors]") {
  testing::TempDir dir;
  auto status =
      write_safetensors(dir.file("d.safetensors"), {{"a", at::ones({1})}, {"a", at::ones({1})}});
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("`a`"));
  status = write_safetensors(dir.file("no/such/dir/x.safetensors"), {{"a", at::ones({1})}});
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK_FALSE(fs::exists(dir.file("d.safetensors")));
}

}  // namespace
}  // namespace terse
