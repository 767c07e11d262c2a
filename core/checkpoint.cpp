#include "core/checkpoint.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>
#include <xxhash.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "core/file_util.h"
#include "core/status.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kStepPrefix[] = "step-";
constexpr char kTempPrefix[] = ".tmp-";

std::string step_dir_name(int64_t step) { return absl::StrFormat("%s%08d", kStepPrefix, step); }

struct FileDigest {
  uint64_t size = 0;
  std::string xxh3;  // 16 hex digits
};

absl::StatusOr<FileDigest> digest_file(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open `", path.string(), "`"));
  }
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buffer(1 << 20);
  FileDigest digest;
  size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    XXH3_64bits_update(state, buffer.data(), got);
    digest.size += got;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  digest.xxh3 = absl::StrFormat("%016x", XXH3_64bits_digest(state));
  XXH3_freeState(state);
  if (failed) return absl::DataLossError(absl::StrCat("read error in `", path.string(), "`"));
  return digest;
}

// Regular files directly inside `dir`, sorted by name.
std::vector<std::string> list_files(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Checksums every file in `dir`, fsyncs each, and writes the manifest (fsync'd as well).
absl::Status write_manifest(const fs::path& dir, int64_t step) {
  json files = json::array();
  for (const std::string& name : list_files(dir)) {
    TERSE_ASSIGN_OR_RETURN(const FileDigest digest, digest_file(dir / name));
    TERSE_RETURN_IF_ERROR(sync_path(dir / name));
    files.push_back({{"name", name}, {"size", digest.size}, {"xxh3", digest.xxh3}});
  }
  const json manifest = {{"step", step}, {"files", files}};
  const fs::path path = dir / kManifestFile;
  {
    std::ofstream out(path, std::ios::binary);
    out << manifest.dump(1) << "\n";
    out.flush();
    if (!out)
      return absl::ResourceExhaustedError(absl::StrCat("could not write `", path.string(), "`"));
  }
  return sync_path(path);
}

absl::StatusOr<json> read_manifest(const fs::path& dir) {
  const fs::path path = dir / kManifestFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("checkpoint `", dir.string(), "` has no ",
                                            kManifestFile, ": it is incomplete"));
  }
  json manifest = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("files") ||
      !manifest["files"].is_array() || !manifest.contains("step") ||
      !manifest["step"].is_number_integer()) {
    return absl::DataLossError(absl::StrCat("`", path.string(), "` is not a valid manifest"));
  }
  return manifest;
}

// Step directories under `root`, newest first.
std::vector<std::pair<int64_t, fs::path>> step_dirs(const fs::path& root) {
  std::vector<std::pair<int64_t, fs::path>> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    int64_t step = 0;
    if (entry.is_directory() && absl::StartsWith(name, kStepPrefix) &&
        absl::SimpleAtoi(name.substr(sizeof(kStepPrefix) - 1), &step)) {
      dirs.emplace_back(step, entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  return dirs;
}

// Deletes leftover temporary directories and all but the `keep` newest checkpoints (a step
// directory exists only once complete; `latest` is always kept).
void prune(const fs::path& root, int64_t keep, const fs::path& latest) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (absl::StartsWith(entry.path().filename().string(), kTempPrefix)) fs::remove_all(entry, ec);
  }
  int64_t kept = 0;
  for (const auto& [step, dir] : step_dirs(root)) {
    if (dir == latest || kept < keep) {
      ++kept;
      continue;
    }
    fs::remove_all(dir, ec);
  }
}

}  // namespace

absl::StatusOr<fs::path> save_checkpoint(const fs::path& root, int64_t step,
                                         const CheckpointFiles& write_files, int64_t keep) {
  std::error_code ec;
  fs::create_directories(root, ec);
  const fs::path temporary = root / absl::StrCat(kTempPrefix, step_dir_name(step), "-", ::getpid());
  fs::remove_all(temporary, ec);
  if (!fs::create_directory(temporary, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create `", temporary.string(), "`: ", ec.message()));
  }
  const fs::path final_dir = root / step_dir_name(step);
  absl::Status status = write_files(temporary);
  if (status.ok()) status = write_manifest(temporary, step);
  if (status.ok()) status = sync_path(temporary);
  if (status.ok()) {
    fs::remove_all(final_dir, ec);  // a stale copy of the same step from an interrupted run
    fs::rename(temporary, final_dir, ec);
    if (ec) status = absl::InternalError(absl::StrCat("cannot rename checkpoint: ", ec.message()));
  }
  if (status.ok()) status = sync_path(root);
  if (status.ok()) {
    status = write_file_atomically(root / kLatestFile, final_dir.filename().string() + "\n");
  }
  if (!status.ok()) {
    fs::remove_all(temporary, ec);
    return absl::Status(status.code(),
                        absl::StrCat("saving checkpoint ", step, " in `", root.string(),
                                     "` failed (the previous "
                                     "checkpoint is intact): ",
                                     status.message()));
  }
  prune(root, keep, final_dir);
  return final_dir;
}

absl::Status verify_checkpoint(const fs::path& dir) {
  TERSE_ASSIGN_OR_RETURN(const json manifest, read_manifest(dir));
  std::vector<std::string> listed;
  for (const json& file : manifest["files"]) {
    const std::string name = file.value("name", "");
    listed.push_back(name);
    const auto digest = digest_file(dir / name);
    if (!digest.ok()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint `", dir.string(), "`: file `", name, "` is missing"));
    }
    if (digest->size != file.value("size", uint64_t{0}) || digest->xxh3 != file.value("xxh3", "")) {
      return absl::DataLossError(absl::StrCat("checkpoint `", dir.string(), "`: file `", name,
                                              "` does not match its manifest (size ", digest->size,
                                              ", checksum ", digest->xxh3, ")"));
    }
  }
  listed.push_back(kManifestFile);
  for (const std::string& name : list_files(dir)) {
    if (std::find(listed.begin(), listed.end(), name) == listed.end()) {
      return absl::DataLossError(absl::StrCat("checkpoint `", dir.string(), "`: file `", name,
                                              "` is not in the manifest"));
    }
  }
  return absl::OkStatus();
}

std::optional<fs::path> find_latest_checkpoint(const fs::path& root) {
  std::ifstream in(root / kLatestFile);
  std::string name;
  if (in && std::getline(in, name)) {
    const fs::path named = root / std::string(absl::StripAsciiWhitespace(name));
    if (!name.empty() && verify_checkpoint(named).ok()) return named;
  }
  for (const auto& [step, dir] : step_dirs(root)) {
    if (verify_checkpoint(dir).ok()) return dir;
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> checkpoint_step(const fs::path& dir) {
  TERSE_ASSIGN_OR_RETURN(const json manifest, read_manifest(dir));
  return manifest["step"].get<int64_t>();
}

}  // namespace terse
