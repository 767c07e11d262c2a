#include "core/tensorboard_writer.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/status.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// Protobuf wire format, only what Event/Summary need: varint, 64-bit, 32-bit and
// length-delimited fields (https://protobuf.dev/programming-guides/encoding/).
void put_varint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void put_tag(std::string* out, int field, int wire_type) {
  put_varint(out, static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type));
}

template <class T>
void put_fixed(std::string* out, int field, int wire_type, T value) {
  put_tag(out, field, wire_type);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // little-endian hosts only (x86-64, AArch64)
  out->append(bytes, sizeof(T));
}

void put_bytes(std::string* out, int field, absl::string_view bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// tensorflow.Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string),
// summary = 5 (Summary). Summary: value = 1 (repeated Value). Value: tag = 1, simple_value = 2.
std::string event_header(int64_t step) {
  std::string event;
  put_fixed(&event, 1, 1, wall_time());
  put_tag(&event, 2, 0);
  put_varint(&event, static_cast<uint64_t>(step));
  return event;
}

std::string scalar_event(int64_t step, const Metrics& metrics) {
  std::string summary;
  for (const auto& [tag, value] : metrics) {
    if (!std::isfinite(value)) continue;
    std::string entry;
    put_bytes(&entry, 1, tag);
    put_fixed(&entry, 2, 5, static_cast<float>(value));
    put_bytes(&summary, 1, entry);
  }
  std::string event = event_header(step);
  put_bytes(&event, 5, summary);
  return event;
}

std::array<uint32_t, 256> crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    table[i] = crc;
  }
  return table;
}

}  // namespace

uint32_t crc32c(absl::string_view data) {
  static const std::array<uint32_t, 256> table = crc_table();
  uint32_t crc = 0xFFFFFFFFu;
  for (const char c : data) crc = table[(crc ^ static_cast<uint8_t>(c)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

uint32_t masked_crc32c(absl::string_view data) {
  const uint32_t crc = crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

TensorBoardWriter::TensorBoardWriter(fs::path path) : path_(std::move(path)) {}

absl::StatusOr<TensorBoardWriter> TensorBoardWriter::open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  const fs::path path =
      dir / absl::StrFormat("events.out.tfevents.%d.%s.%d", static_cast<int64_t>(wall_time()), host,
                            static_cast<int>(::getpid()));
  TensorBoardWriter writer(path);
  writer.out_.open(path, std::ios::binary | std::ios::app);
  if (!writer.out_) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create `", path.string(), "`"));
  }
  std::string first = event_header(0);
  put_bytes(&first, 3, "brain.Event:2");
  TERSE_RETURN_IF_ERROR(writer.write_record(first));
  return writer;
}

absl::Status TensorBoardWriter::write(int64_t step, const Metrics& metrics) {
  return write_record(scalar_event(step, metrics));
}

absl::Status TensorBoardWriter::write_record(const std::string& data) {
  const uint64_t length = data.size();
  std::string frame(reinterpret_cast<const char*>(&length), sizeof(length));
  const uint32_t length_crc = masked_crc32c(frame);
  frame.append(reinterpret_cast<const char*>(&length_crc), sizeof(length_crc));
  frame += data;
  const uint32_t data_crc = masked_crc32c(data);
  frame.append(reinterpret_cast<const char*>(&data_crc), sizeof(data_crc));
  out_.write(frame.data(), static_cast<std::streamsize>(frame.size()));
  out_.flush();
  if (!out_)
    return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path_.string(), "`"));
  return absl::OkStatus();
}

}  // namespace terse
