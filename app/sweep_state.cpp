#include "app/sweep_state.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/file_util.h"
#include "core/status.h"

namespace terse {

namespace fs = std::filesystem;
using nlohmann::json;

absl::Status write_sweep_plan(const fs::path& sweep_dir, const SweepSpec& spec) {
  json keys = json::array();
  for (const SweepKey& key : spec.keys) keys.push_back(key.path);
  json runs = json::array();
  for (const SweepRun& run : spec.runs) {
    json values = json::array();
    for (const SweepValue& v : run.values) {
      values.push_back({{"key", v.key}, {"yaml", v.yaml}, {"text", v.text}});
    }
    runs.push_back({{"name", run.name}, {"values", values}});
  }
  const json plan = {{"command", spec.command}, {"keys", keys}, {"runs", runs}};
  return write_file_atomically(sweep_dir / kSweepPlanFile, plan.dump(2) + "\n");
}

absl::StatusOr<SweepSpec> read_sweep_plan(const fs::path& sweep_dir) {
  const fs::path path = sweep_dir / kSweepPlanFile;
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("`", path.string(), "` does not exist"));
  std::stringstream text;
  text << in.rdbuf();
  const json plan = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  try {
    SweepSpec spec;
    spec.command = plan.at("command").get<std::string>();
    for (const json& key : plan.at("keys")) spec.keys.push_back({key.get<std::string>(), ""});
    for (const json& run : plan.at("runs")) {
      SweepRun r{run.at("name").get<std::string>(), {}};
      for (const json& v : run.at("values")) {
        r.values.push_back({v.at("key").get<std::string>(), v.at("yaml").get<std::string>(),
                            v.at("text").get<std::string>()});
      }
      spec.runs.push_back(std::move(r));
    }
    return spec;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), ": not a sweep plan written by terse sweep (", e.what(), ")"));
  }
}

absl::StatusOr<std::map<std::string, SweepRunState>> read_sweep_state(const fs::path& sweep_dir) {
  std::map<std::string, SweepRunState> states;
  const fs::path path = sweep_dir / kSweepStateFile;
  std::ifstream in(path);
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    const json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    try {
      SweepRunState state;
      state.status = row.at("status").get<std::string>() == "done" ? SweepRunStatus::kDone
                                                                   : SweepRunStatus::kFailed;
      state.exit_code = row.at("exit_code").get<int>();
      state.seconds = row.at("seconds").get<double>();
      state.overrides = row.at("overrides").get<std::vector<std::string>>();
      states[row.at("run").get<std::string>()] = std::move(state);
    } catch (const json::exception&) {
      // A line cut short by a crash is the only way a line can be bad: that attempt never
      // finished, which is what a missing line means.
      if (in.peek() == EOF) break;
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), ":", number, ": not a sweep state line"));
    }
  }
  return states;
}

absl::Status append_sweep_state(const fs::path& sweep_dir, const std::string& name,
                                const SweepRunState& state) {
  const json row = {{"run", name},
                    {"status", state.status == SweepRunStatus::kDone ? "done" : "failed"},
                    {"exit_code", state.exit_code},
                    {"seconds", state.seconds},
                    {"overrides", state.overrides}};
  const fs::path path = sweep_dir / kSweepStateFile;
  {
    std::ofstream out(path, std::ios::app);
    out << row.dump() << "\n";
    out.flush();
    if (!out)
      return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  }
  return sync_path(path);
}

}  // namespace terse
