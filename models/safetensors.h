// Safetensors checkpoints for LibTorch: files are memory-mapped, their header validated by
// models/safetensors_header.h before anything in it is trusted, and tensors are views over the
// mapping. A malformed file gives an InvalidArgument error naming the file and, where one is at
// fault, the tensor.
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "models/safetensors_header.h"

namespace terse {

// Name of a single-file checkpoint and of the index of a sharded one, inside a directory.
inline constexpr absl::string_view kSafetensorsFile = "model.safetensors";
inline constexpr absl::string_view kSafetensorsIndexFile = "model.safetensors.index.json";

// A tensor with the name it is stored under.
struct NamedTensor {
  std::string name;
  at::Tensor tensor;
};

// One memory-mapped safetensors file.
class SafetensorsFile : public std::enable_shared_from_this<SafetensorsFile> {
 public:
  // Maps `path` and validates its header; NotFound when it does not exist, InvalidArgument when
  // it is malformed.
  static absl::StatusOr<std::shared_ptr<const SafetensorsFile>> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  // Every tensor, in the order of their bytes in the file.
  const std::vector<SafetensorsEntry>& entries() const { return entries_; }
  // The entry called `name`, or nullptr.
  const SafetensorsEntry* find(absl::string_view name) const;
  // The `__metadata__` strings of the header.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // A CPU tensor over the mapped bytes of `entry` (copy-on-write: writing to it never changes
  // the file); it keeps the mapping alive.
  at::Tensor tensor(const SafetensorsEntry& entry) const;

 private:
  SafetensorsFile() = default;

  std::string path_;
  void* map_ = nullptr;
  uint64_t file_bytes_ = 0;
  const uint8_t* data_ = nullptr;  // first byte after the header
  std::vector<SafetensorsEntry> entries_;
  std::map<std::string, const SafetensorsEntry*> by_name_;
  std::map<std::string, std::string> metadata_;
};

// Every tensor of a checkpoint directory: `model.safetensors`, or the shards that
// `model.safetensors.index.json` lists.
class SafetensorsCheckpoint {
 public:
  // Opens the checkpoint in `dir`. NotFound when the directory has neither file; InvalidArgument
  // when the index or a shard is malformed, or they disagree on which tensors exist.
  static absl::StatusOr<SafetensorsCheckpoint> open(const std::string& dir);

  // Every tensor name, shard by shard in file order.
  const std::vector<std::string>& names() const { return names_; }
  // The entry called `name`, or nullptr.
  const SafetensorsEntry* find(absl::string_view name) const;
  // The tensor called `name` (see SafetensorsFile::tensor); it must exist.
  at::Tensor tensor(absl::string_view name) const;
  // Files the tensors come from.
  std::vector<std::string> files() const;

 private:
  struct Location {
    const SafetensorsFile* file;
    const SafetensorsEntry* entry;
  };
  std::vector<std::shared_ptr<const SafetensorsFile>> files_;
  std::vector<std::string> names_;
  std::map<std::string, Location, std::less<>> by_name_;
};

// The safetensors spelling of `dtype` ("F32", "BF16", ...); InvalidArgument for dtypes the
// format has no name for.
absl::StatusOr<std::string> safetensors_dtype_name(at::ScalarType dtype);

// Writes `tensors` (any device or layout; names unique) to `path` with `metadata` in the header.
// The file appears whole or not at all (written beside it, then renamed).
absl::Status write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                               const std::map<std::string, std::string>& metadata = {});

// Writes `tensors` into `dir` (which must exist) as `model.safetensors`, or, when they hold more
// than `max_shard_bytes`, as `model-0000i-of-0000n.safetensors` shards of at most that size (a
// larger tensor gets a shard of its own) plus `model.safetensors.index.json`.
absl::Status write_safetensors_checkpoint(const std::string& dir,
                                          const std::vector<NamedTensor>& tensors,
                                          uint64_t max_shard_bytes,
                                          const std::map<std::string, std::string>& metadata = {});

}  // namespace terse
