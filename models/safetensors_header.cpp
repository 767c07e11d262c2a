#include "models/safetensors_header.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

namespace terse {
namespace {

using Json = nlohmann::json;

struct DTypeInfo {
  SafetensorsDType dtype;
  const char* name;
  size_t bytes;
};

constexpr DTypeInfo kDTypes[] = {
    {SafetensorsDType::kF64, "F64", 8}, {SafetensorsDType::kF32, "F32", 4},
    {SafetensorsDType::kF16, "F16", 2}, {SafetensorsDType::kBF16, "BF16", 2},
    {SafetensorsDType::kI64, "I64", 8}, {SafetensorsDType::kI32, "I32", 4},
    {SafetensorsDType::kI16, "I16", 2}, {SafetensorsDType::kI8, "I8", 1},
    {SafetensorsDType::kU8, "U8", 1},   {SafetensorsDType::kBool, "BOOL", 1},
};

const DTypeInfo& info(SafetensorsDType dtype) {
  for (const DTypeInfo& d : kDTypes) {
    if (d.dtype == dtype) return d;
  }
  return kDTypes[0];  // unreachable: the table lists every enumerator
}

absl::Status malformed(absl::string_view path, absl::string_view detail) {
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

// The entry that `value` (the header's member `name`) describes, checked against the
// `data_bytes` of the data section.
absl::StatusOr<SafetensorsEntry> parse_entry(const std::string& name, const Json& value,
                                             uint64_t data_bytes, absl::string_view path) {
  const std::string where = absl::StrCat("tensor `", name, "`");
  if (!value.is_object()) return malformed(path, absl::StrCat(where, " is not a JSON object"));
  const auto dtype_it = value.find("dtype");
  const auto shape_it = value.find("shape");
  const auto offsets_it = value.find("data_offsets");
  if (dtype_it == value.end() || shape_it == value.end() || offsets_it == value.end()) {
    return malformed(path, absl::StrCat(where, " lacks one of `dtype`, `shape`, `data_offsets`"));
  }
  SafetensorsEntry entry;
  entry.name = name;
  if (!dtype_it->is_string()) return malformed(path, absl::StrCat(where, ": dtype is not text"));
  const std::string dtype = dtype_it->get<std::string>();
  const auto known = std::find_if(std::begin(kDTypes), std::end(kDTypes),
                                  [&](const DTypeInfo& d) { return dtype == d.name; });
  if (known == std::end(kDTypes)) {
    return malformed(
        path, absl::StrCat(where, " has dtype `", dtype, "`, which terse does not read (known: ",
                           known_safetensors_dtypes(), ")"));
  }
  entry.dtype = known->dtype;
  if (!shape_it->is_array()) return malformed(path, absl::StrCat(where, ": shape is not a list"));
  uint64_t numel = 1;
  for (const Json& dim : *shape_it) {
    uint64_t size = 0;
    if (!as_u64(dim, &size) || size > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        !mul_u64(numel, size, &numel)) {
      return malformed(path, absl::StrCat(where, " has an invalid shape ", shape_it->dump()));
    }
    entry.shape.push_back(static_cast<int64_t>(size));
  }
  if (!offsets_it->is_array() || offsets_it->size() != 2 ||
      !as_u64((*offsets_it)[0], &entry.begin) || !as_u64((*offsets_it)[1], &entry.end) ||
      entry.begin > entry.end) {
    return malformed(path, absl::StrCat(where, " has invalid data_offsets ", offsets_it->dump(),
                                        " (want [begin, end] with begin <= end)"));
  }
  if (entry.end > data_bytes) {
    return malformed(path, absl::StrCat(where, " ends at byte ", entry.end,
                                        " of the data, but the data section has only ", data_bytes,
                                        " bytes (file truncated?)"));
  }
  uint64_t expected = 0;
  if (!mul_u64(numel, known->bytes, &expected) || expected != entry.end - entry.begin) {
    return malformed(
        path, absl::StrCat(where, " is ", dtype, " of shape ", shape_it->dump(), " (", numel, " x ",
                           known->bytes, " bytes) but its data_offsets span ",
                           entry.end - entry.begin, " bytes"));
  }
  return entry;
}

// Checks that the entries (sorted by offset) tile the `data_bytes` of the data section.
absl::Status check_tiling(const std::vector<SafetensorsEntry>& entries, uint64_t data_bytes,
                          absl::string_view path) {
  uint64_t covered = 0;  // end of the bytes claimed so far
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& entry : entries) {
    if (entry.begin < covered) {
      return malformed(path, absl::StrCat("the bytes of tensors `", previous->name, "` and `",
                                          entry.name, "` overlap"));
    }
    if (entry.begin > covered) {
      return malformed(
          path, absl::StrCat("bytes ", covered, " to ", entry.begin,
                             " of the data belong to no tensor (before `", entry.name, "`)"));
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_bytes) {
    return malformed(path,
                     absl::StrCat("the tensors cover ", covered, " bytes but the data section has ",
                                  data_bytes, " (trailing bytes)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view safetensors_dtype_text(SafetensorsDType dtype) { return info(dtype).name; }

size_t safetensors_dtype_bytes(SafetensorsDType dtype) { return info(dtype).bytes; }

std::string known_safetensors_dtypes() {
  std::vector<std::string> names;
  for (const DTypeInfo& d : kDTypes) names.emplace_back(d.name);
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<SafetensorsHeader> parse_safetensors_header(const uint8_t* bytes, uint64_t size,
                                                           absl::string_view path) {
  if (size < 8) {
    return malformed(
        path, absl::StrCat("it is ", size, " bytes long, shorter than the 8-byte header length"));
  }
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | bytes[i];
  if (header_bytes > kMaxSafetensorsHeaderBytes) {
    return malformed(path, absl::StrCat("its header length is ", header_bytes,
                                        " bytes, over the limit of ", kMaxSafetensorsHeaderBytes));
  }
  if (header_bytes > size - 8) {
    return malformed(
        path, absl::StrCat("its header length is ", header_bytes, " bytes, but only ", size - 8,
                           " bytes follow the length field (file truncated?)"));
  }
  const char* header_begin = reinterpret_cast<const char*>(bytes) + 8;
  Json json;
  try {
    json = Json::parse(header_begin, header_begin + header_bytes);
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    return malformed(path, absl::StrCat("its header is not valid JSON (", e.what(), ")"));
  }
  if (!json.is_object()) return malformed(path, "its header is not a JSON object");

  SafetensorsHeader header;
  header.data_offset = 8 + header_bytes;
  const uint64_t data_bytes = size - header.data_offset;
  for (const auto& [name, value] : json.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) return malformed(path, "`__metadata__` is not a JSON object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) {
          return malformed(path, absl::StrCat("`__metadata__.", key, "` is not a string"));
        }
        header.metadata[key] = text.get<std::string>();
      }
      continue;
    }
    TERSE_ASSIGN_OR_RETURN(SafetensorsEntry entry, parse_entry(name, value, data_bytes, path));
    header.entries.push_back(std::move(entry));
  }
  std::sort(header.entries.begin(), header.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  TERSE_RETURN_IF_ERROR(check_tiling(header.entries, data_bytes, path));
  return header;
}

}  // namespace terse
