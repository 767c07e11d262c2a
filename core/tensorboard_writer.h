// TensorBoard event files (events.out.tfevents.*): scalar summaries with step and wall time, so
// `tensorboard --logdir runs` shows every metric of a run. Written without TensorFlow: each
// record is framed as TensorFlow's TFRecord (length, masked CRC32C of the length, the serialized
// `Event` protobuf, masked CRC32C of the data), and the few protobuf fields used are encoded by
// hand.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/metrics.h"

namespace terse {

class TensorBoardWriter {
 public:
  // Creates `dir` if needed and a new event file in it, starting with the file-version event.
  static absl::StatusOr<TensorBoardWriter> open(const std::filesystem::path& dir);

  // Appends one event holding every metric as a scalar summary, at `step` and the current time
  // (non-finite values are skipped), and flushes it.
  absl::Status write(int64_t step, const Metrics& metrics);

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TensorBoardWriter(std::filesystem::path path);
  absl::Status write_record(const std::string& data);

  std::filesystem::path path_;
  std::ofstream out_;
};

// CRC-32C (Castagnoli) of `data`.
uint32_t crc32c(absl::string_view data);
// TFRecord's masked CRC: rotate right by 15 bits and add 0xa282ead8.
uint32_t masked_crc32c(absl::string_view data);

}  // namespace terse
