#include "models/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

static_assert(sizeof(void*) == 8, "safetensors offsets need 64-bit addresses");

struct ScalarTypeOf {
  SafetensorsDType dtype;
  at::ScalarType scalar_type;
};

constexpr ScalarTypeOf kScalarTypes[] = {
    {SafetensorsDType::kF64, at::kDouble}, {SafetensorsDType::kF32, at::kFloat},
    {SafetensorsDType::kF16, at::kHalf},   {SafetensorsDType::kBF16, at::kBFloat16},
    {SafetensorsDType::kI64, at::kLong},   {SafetensorsDType::kI32, at::kInt},
    {SafetensorsDType::kI16, at::kShort},  {SafetensorsDType::kI8, at::kChar},
    {SafetensorsDType::kU8, at::kByte},    {SafetensorsDType::kBool, at::kBool},
};

at::ScalarType scalar_type(SafetensorsDType dtype) {
  for (const ScalarTypeOf& d : kScalarTypes) {
    if (d.dtype == dtype) return d.scalar_type;
  }
  TORCH_CHECK(false, "no LibTorch type for safetensors dtype ", safetensors_dtype_text(dtype));
}

absl::Status write_file_atomically(const std::string& path, const std::string& header,
                                   const std::vector<at::Tensor>& cpu_tensors) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno),
                       ". Check that the directory exists and is writable."));
    }
    const uint64_t header_bytes = header.size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(header_bytes >> (8 * i));
    out.write(reinterpret_cast<const char*>(length), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const at::Tensor& t : cpu_tensors) {
      out.write(static_cast<const char*>(t.data_ptr()),
                static_cast<std::streamsize>(t.numel() * t.element_size()));
    }
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return absl::InternalError(
          absl::StrCat("writing ", tmp, " failed: ", std::strerror(errno), " (disk full?)"));
    }
  }
  std::error_code error;
  fs::rename(tmp, path, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", tmp, " to ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> safetensors_dtype_name(at::ScalarType dtype) {
  for (const ScalarTypeOf& d : kScalarTypes) {
    if (d.scalar_type == dtype) return std::string(safetensors_dtype_text(d.dtype));
  }
  return absl::InvalidArgumentError(absl::StrCat("safetensors has no name for dtype ",
                                                 c10::toString(dtype),
                                                 "; supported: ", known_safetensors_dtypes()));
}

// ---------------------------------------------------------------------------------------------
// SafetensorsFile

absl::StatusOr<std::shared_ptr<const SafetensorsFile>> SafetensorsFile::open(
    const std::string& path) {
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    const std::string message = absl::StrCat("cannot open ", path, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    return absl::FailedPreconditionError(message);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  file->file_bytes_ = static_cast<uint64_t>(info.st_size);
  if (file->file_bytes_ == 0) {  // mmap refuses empty files
    ::close(fd);
    return parse_safetensors_header(nullptr, 0, path).status();
  }
  // A private writable mapping: tensors over it may be written to without touching the file.
  void* map = ::mmap(nullptr, file->file_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    return absl::InternalError(absl::StrCat("cannot map ", path, ": ", std::strerror(errno)));
  }
  file->map_ = map;
  TERSE_ASSIGN_OR_RETURN(
      SafetensorsHeader header,
      parse_safetensors_header(static_cast<const uint8_t*>(map), file->file_bytes_, path));
  file->data_ = static_cast<const uint8_t*>(map) + header.data_offset;
  file->entries_ = std::move(header.entries);
  file->metadata_ = std::move(header.metadata);
  for (const SafetensorsEntry& entry : file->entries_) file->by_name_[entry.name] = &entry;
  return std::shared_ptr<const SafetensorsFile>(std::move(file));
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, file_bytes_);
}

const SafetensorsEntry* SafetensorsFile::find(absl::string_view name) const {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

at::Tensor SafetensorsFile::tensor(const SafetensorsEntry& entry) const {
  const at::TensorOptions options =
      at::TensorOptions().dtype(scalar_type(entry.dtype)).device(at::kCPU);
  auto* data = const_cast<uint8_t*>(data_ + entry.begin);
  if (reinterpret_cast<uintptr_t>(data) % safetensors_dtype_bytes(entry.dtype) != 0) {
    // Unaligned elements: give the caller an aligned copy instead of a view.
    at::Tensor copy = at::empty(entry.shape, options);
    std::memcpy(copy.data_ptr(), data, entry.end - entry.begin);
    return copy;
  }
  std::shared_ptr<const SafetensorsFile> keep_alive = shared_from_this();
  return at::from_blob(
      data, entry.shape, [keep_alive](void*) {}, options);
}

// ---------------------------------------------------------------------------------------------
// SafetensorsCheckpoint

absl::StatusOr<SafetensorsCheckpoint> SafetensorsCheckpoint::open(const std::string& dir) {
  SafetensorsCheckpoint checkpoint;
  const fs::path single = fs::path(dir) / std::string(kSafetensorsFile);
  const fs::path index_path = fs::path(dir) / std::string(kSafetensorsIndexFile);
  std::map<std::string, std::string> weight_map;  // tensor name -> shard file name
  std::error_code error;
  if (fs::exists(single, error)) {
    TERSE_ASSIGN_OR_RETURN(auto file, SafetensorsFile::open(single.string()));
    checkpoint.files_.push_back(std::move(file));
  } else if (fs::exists(index_path, error)) {
    std::ifstream in(index_path);
    Json index;
    try {
      index = Json::parse(in);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
      return absl::InvalidArgumentError(
          absl::StrCat(index_path.string(), ": not valid JSON (", e.what(), ")"));
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(index_path.string(), ": has no `weight_map` object of tensor -> file"));
    }
    std::vector<std::string> shards;
    for (const auto& [name, file] : index["weight_map"].items()) {
      if (!file.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(index_path.string(), ": `weight_map.", name, "` is not a file name"));
      }
      const std::string shard = file.get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..") {
        return absl::InvalidArgumentError(absl::StrCat(index_path.string(), ": `weight_map.", name,
                                                       "` = \"", shard,
                                                       "\" is not a plain file name in ", dir));
      }
      weight_map[name] = shard;
      if (std::find(shards.begin(), shards.end(), shard) == shards.end()) shards.push_back(shard);
    }
    if (shards.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(index_path.string(), ": its `weight_map` lists no tensors"));
    }
    std::sort(shards.begin(), shards.end());
    for (const std::string& shard : shards) {
      TERSE_ASSIGN_OR_RETURN(auto file, SafetensorsFile::open((fs::path(dir) / shard).string()));
      checkpoint.files_.push_back(std::move(file));
    }
  } else {
    return absl::NotFoundError(absl::StrCat("no ", kSafetensorsFile, " or ", kSafetensorsIndexFile,
                                            " in ", dir,
                                            "; is this a Hugging Face model directory?"));
  }

  std::vector<std::string> problems;
  for (const auto& file : checkpoint.files_) {
    const std::string file_name = fs::path(file->path()).filename().string();
    for (const SafetensorsEntry& entry : file->entries()) {
      if (!weight_map.empty()) {
        const auto it = weight_map.find(entry.name);
        if (it == weight_map.end() || it->second != file_name) {
          problems.push_back(absl::StrCat("`", entry.name, "` is in ", file_name,
                                          " but the index does not place it there"));
          continue;
        }
      }
      if (!checkpoint.by_name_.emplace(entry.name, Location{file.get(), &entry}).second) {
        problems.push_back(absl::StrCat("`", entry.name, "` is stored twice"));
        continue;
      }
      checkpoint.names_.push_back(entry.name);
    }
  }
  for (const auto& [name, shard] : weight_map) {
    if (checkpoint.by_name_.find(name) == checkpoint.by_name_.end()) {
      problems.push_back(
          absl::StrCat("`", name, "` is listed in the index but missing from ", shard));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        index_path.string(), " and its shards disagree:\n  ", absl::StrJoin(problems, "\n  ")));
  }
  return checkpoint;
}

const SafetensorsEntry* SafetensorsCheckpoint::find(absl::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.entry;
}

at::Tensor SafetensorsCheckpoint::tensor(absl::string_view name) const {
  const auto it = by_name_.find(name);
  TORCH_CHECK(it != by_name_.end(), "no tensor named ", std::string(name), " in the checkpoint");
  return it->second.file->tensor(*it->second.entry);
}

std::vector<std::string> SafetensorsCheckpoint::files() const {
  std::vector<std::string> paths;
  for (const auto& file : files_) paths.push_back(file->path());
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Writing

absl::Status write_safetensors(const std::string& path, const std::vector<NamedTensor>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> cpu_tensors;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const NamedTensor& named : tensors) {
    if (named.name == "__metadata__" || !names.insert(named.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("cannot write ", path, ": tensor name `",
                                                     named.name, "` is reserved or used twice"));
    }
    TERSE_ASSIGN_OR_RETURN(std::string dtype, safetensors_dtype_name(named.tensor.scalar_type()));
    at::Tensor cpu = named.tensor.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(cpu.numel()) * cpu.element_size();
    header[named.name] = {
        {"dtype", dtype}, {"shape", cpu.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu_tensors.push_back(std::move(cpu));
  }
  std::string text = header.dump();
  // Pad with spaces so that the data section starts 8-byte aligned.
  text.append((8 - text.size() % 8) % 8, ' ');
  return write_file_atomically(path, text, cpu_tensors);
}

absl::Status write_safetensors_checkpoint(const std::string& dir,
                                          const std::vector<NamedTensor>& tensors,
                                          uint64_t max_shard_bytes,
                                          const std::map<std::string, std::string>& metadata) {
  TORCH_CHECK(max_shard_bytes > 0, "max_shard_bytes must be positive");
  std::vector<std::vector<NamedTensor>> shards(1);
  uint64_t shard_bytes = 0;
  uint64_t total_bytes = 0;
  for (const NamedTensor& named : tensors) {
    const uint64_t bytes =
        static_cast<uint64_t>(named.tensor.numel()) * named.tensor.element_size();
    if (!shards.back().empty() && shard_bytes + bytes > max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().push_back(named);
    shard_bytes += bytes;
    total_bytes += bytes;
  }
  if (shards.size() == 1) {
    return write_safetensors((fs::path(dir) / std::string(kSafetensorsFile)).string(), tensors,
                             metadata);
  }
  nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
  for (size_t i = 0; i < shards.size(); ++i) {
    const std::string name =
        absl::StrFormat("model-%05d-of-%05d.safetensors", i + 1, shards.size());
    TERSE_RETURN_IF_ERROR(write_safetensors((fs::path(dir) / name).string(), shards[i], metadata));
    for (const NamedTensor& named : shards[i]) weight_map[named.name] = name;
  }
  nlohmann::ordered_json index = {{"metadata", {{"total_size", total_bytes}}},
                                  {"weight_map", weight_map}};
  const fs::path index_path = fs::path(dir) / std::string(kSafetensorsIndexFile);
  std::ofstream out(index_path, std::ios::trunc);
  out << index.dump(2) << "\n";
  out.flush();
  if (!out) {
    return absl::InternalError(absl::StrCat("writing ", index_path.string(), " failed"));
  }
  return absl::OkStatus();
}

}  // namespace terse
