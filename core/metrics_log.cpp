#include "core/metrics_log.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/file_util.h"
#include "core/status.h"

namespace terse {

namespace fs = std::filesystem;
using nlohmann::json;

MetricsLog::MetricsLog(fs::path path) : path_(std::move(path)) {}

absl::StatusOr<MetricsLog> MetricsLog::open(const fs::path& path,
                                            std::optional<int64_t> resume_step) {
  std::string kept;
  if (resume_step) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (row.is_object() && row.contains("step") && row["step"].is_number_integer() &&
          row["step"].get<int64_t>() <= *resume_step) {
        absl::StrAppend(&kept, line, "\n");
      }
    }
  }
  TERSE_RETURN_IF_ERROR(write_file_atomically(path, kept));
  MetricsLog log(path);
  log.out_.open(path, std::ios::app);
  if (!log.out_) {
    return absl::FailedPreconditionError(absl::StrCat("cannot open `", path.string(), "`"));
  }
  return log;
}

absl::Status MetricsLog::write(int64_t step, const Metrics& metrics) {
  json row = {{"step", step}};
  for (const auto& [name, value] : metrics) {
    row[name] = std::isfinite(value) ? json(value) : json(nullptr);
  }
  out_ << row.dump() << "\n";
  out_.flush();
  if (!out_)
    return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path_.string(), "`"));
  return absl::OkStatus();
}

absl::StatusOr<MetricsLogLines> read_metrics_log(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("`", path.string(), "` does not exist"));
  std::vector<std::pair<int64_t, Metrics>> rows;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    const json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object() || !row.contains("step") || !row["step"].is_number_integer()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), ":", number, ": not a metrics line with an integer `step`"));
    }
    Metrics metrics;
    for (const auto& [name, value] : row.items()) {
      if (name == "step") continue;
      metrics[name] = value.is_number() ? value.get<double>() : std::nan("");
    }
    rows.emplace_back(row["step"].get<int64_t>(), std::move(metrics));
  }
  return rows;
}

}  // namespace terse
