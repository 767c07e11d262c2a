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
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
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

struct DTypeName {
  const char* name;
  at::ScalarType dtype;
};

constexpr DTypeName kDTypes[] = {
    {"F64", at::kDouble}, {"F32", at::kFloat}, {"F16", at::kHalf},  {"BF16", at::kBFloat16},
    {"I64", at::kLong},   {"I32", at::kInt},   {"I16", at::kShort}, {"I8", at::kChar},
    {"U8", at::kByte},    {"BOOL", at::kBool},
};

std::string known_dtypes() {
  std::vector<std::string> names;
  for (const DTypeName& d : kDTypes) names.emplace_back(d.name);
  return absl::StrJoin(names, ", ");
}

absl::Status malformed(const std::string& path, absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": not a valid safetensors file: ", detail,
                   ". The file is damaged or was not written as safetensors; write it again."));
}

// Reads a JSON number that must be a non-negative integer.
bool as_u64(const Json& value, uint64_t* out) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned()) {
    *out = value.get<uint64_t>();
    return true;
  }
  const int64_t signed_value = value.get<int64_t>();
  if (signed_value < 0) return false;
  *out = static_cast<uint64_t>(signed_value);
  return true;
}

// a * b, or false when it overflows 64 bits.
bool mul_u64(uint64_t a, uint64_t b, uint64_t* out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return false;
  *out = a * b;
  return true;
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
  for (const DTypeName& d : kDTypes) {
    if (d.dtype == dtype) return std::string(d.name);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "safetensors has no name for dtype ", c10::toString(dtype), "; supported: ", known_dtypes()));
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
  if (file->file_bytes_ < 8) {
    ::close(fd);
    return malformed(path, absl::StrCat("it is ", file->file_bytes_,
                                        " bytes long, shorter than the 8-byte header length"));
  }
  // A private writable mapping: tensors over it may be written to without touching the file.
  void* map = ::mmap(nullptr, file->file_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    return absl::InternalError(absl::StrCat("cannot map ", path, ": ", std::strerror(errno)));
  }
  file->map_ = map;
  const auto* bytes = static_cast<const uint8_t*>(map);
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | bytes[i];
  TERSE_RETURN_IF_ERROR(file->parse_header(header_bytes));
  return std::shared_ptr<const SafetensorsFile>(std::move(file));
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, file_bytes_);
}

absl::Status SafetensorsFile::parse_header(uint64_t header_bytes) {
  if (header_bytes > kMaxSafetensorsHeaderBytes) {
    return malformed(path_, absl::StrCat("its header length is ", header_bytes,
                                         " bytes, over the limit of ", kMaxSafetensorsHeaderBytes));
  }
  if (header_bytes > file_bytes_ - 8) {
    return malformed(
        path_, absl::StrCat("its header length is ", header_bytes, " bytes, but only ",
                            file_bytes_ - 8, " bytes follow the length field (file truncated?)"));
  }
  const char* header_begin = static_cast<const char*>(map_) + 8;
  Json header;
  try {
    header = Json::parse(header_begin, header_begin + header_bytes);
  } catch (const Json::parse_error& e) {
    return malformed(path_, absl::StrCat("its header is not valid JSON (", e.what(), ")"));
  }
  if (!header.is_object()) return malformed(path_, "its header is not a JSON object");

  data_ = static_cast<const uint8_t*>(map_) + 8 + header_bytes;
  const uint64_t data_bytes = file_bytes_ - 8 - header_bytes;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) return malformed(path_, "`__metadata__` is not a JSON object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) {
          return malformed(path_, absl::StrCat("`__metadata__.", key, "` is not a string"));
        }
        metadata_[key] = text.get<std::string>();
      }
      continue;
    }
    const std::string where = absl::StrCat("tensor `", name, "`");
    if (!value.is_object()) return malformed(path_, absl::StrCat(where, " is not a JSON object"));
    const auto dtype_it = value.find("dtype");
    const auto shape_it = value.find("shape");
    const auto offsets_it = value.find("data_offsets");
    if (dtype_it == value.end() || shape_it == value.end() || offsets_it == value.end()) {
      return malformed(path_,
                       absl::StrCat(where, " lacks one of `dtype`, `shape`, `data_offsets`"));
    }
    SafetensorsEntry entry;
    entry.name = name;
    if (!dtype_it->is_string()) return malformed(path_, absl::StrCat(where, ": dtype is not text"));
    const std::string dtype = dtype_it->get<std::string>();
    bool known = false;
    for (const DTypeName& d : kDTypes) {
      if (dtype == d.name) {
        entry.dtype = d.dtype;
        known = true;
      }
    }
    if (!known) {
      return malformed(path_,
                       absl::StrCat(where, " has dtype `", dtype,
                                    "`, which terse does not read (known: ", known_dtypes(), ")"));
    }
    if (!shape_it->is_array())
      return malformed(path_, absl::StrCat(where, ": shape is not a list"));
    uint64_t numel = 1;
    for (const Json& dim : *shape_it) {
      uint64_t size = 0;
      if (!as_u64(dim, &size) ||
          size > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
          !mul_u64(numel, size, &numel)) {
        return malformed(path_, absl::StrCat(where, " has an invalid shape ", shape_it->dump()));
      }
      entry.shape.push_back(static_cast<int64_t>(size));
    }
    if (!offsets_it->is_array() || offsets_it->size() != 2 ||
        !as_u64((*offsets_it)[0], &entry.begin) || !as_u64((*offsets_it)[1], &entry.end) ||
        entry.begin > entry.end) {
      return malformed(path_, absl::StrCat(where, " has invalid data_offsets ", offsets_it->dump(),
                                           " (want [begin, end] with begin <= end)"));
    }
    if (entry.end > data_bytes) {
      return malformed(path_, absl::StrCat(where, " ends at byte ", entry.end,
                                           " of the data, but the data section has only ",
                                           data_bytes, " bytes (file truncated?)"));
    }
    uint64_t expected = 0;
    const uint64_t element_bytes = c10::elementSize(entry.dtype);
    if (!mul_u64(numel, element_bytes, &expected) || expected != entry.end - entry.begin) {
      return malformed(
          path_, absl::StrCat(where, " is ", dtype, " of shape ", shape_it->dump(), " (", numel,
                              " x ", element_bytes, " bytes) but its data_offsets span ",
                              entry.end - entry.begin, " bytes"));
    }
    entries_.push_back(std::move(entry));
  }

  std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t covered = 0;  // end of the bytes claimed so far
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& entry : entries_) {
    if (entry.begin < covered) {
      return malformed(path_, absl::StrCat("the bytes of tensors `", previous->name, "` and `",
                                           entry.name, "` overlap"));
    }
    if (entry.begin > covered) {
      return malformed(
          path_, absl::StrCat("bytes ", covered, " to ", entry.begin,
                              " of the data belong to no tensor (before `", entry.name, "`)"));
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_bytes) {
    return malformed(path_,
                     absl::StrCat("the tensors cover ", covered, " bytes but the data section has ",
                                  data_bytes, " (trailing bytes)"));
  }
  for (const SafetensorsEntry& entry : entries_) by_name_[entry.name] = &entry;
  return absl::OkStatus();
}

const SafetensorsEntry* SafetensorsFile::find(absl::string_view name) const {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

at::Tensor SafetensorsFile::tensor(const SafetensorsEntry& entry) const {
  const at::TensorOptions options = at::TensorOptions().dtype(entry.dtype).device(at::kCPU);
  auto* data = const_cast<uint8_t*>(data_ + entry.begin);
  if (reinterpret_cast<uintptr_t>(data) % c10::elementSize(entry.dtype) != 0) {
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
    } catch (const Json::parse_error& e) {
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
