#include "trainer/samples_log.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace terse {

absl::Status start_samples_log(const std::filesystem::path& path,
                               std::optional<int64_t> resume_step) {
  std::string kept;
  if (resume_step) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_object() && record.value("step", int64_t{0}) <= *resume_step) {
        kept += line + "\n";
      }
    }
  }
  std::ofstream out(path, std::ios::trunc);
  out << kept;
  out.close();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

absl::Status append_samples(const std::filesystem::path& path, int64_t step,
                            const EvalResult& result, const std::vector<Problem>& problems,
                            int64_t limit) {
  std::ofstream out(path, std::ios::app);
  const auto count = std::min<size_t>(result.samples.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < count; ++i) {
    const EvalSample& s = result.samples[i];
    const Problem& problem = problems[static_cast<size_t>(s.problem)];
    out << nlohmann::json{{"step", step},
                          {"prompt", problem.prompt},
                          {"completion", s.completion},
                          {"tokens", s.tokens},
                          {"correct", s.correct},
                          {"answer", problem.answer}}
               .dump()
        << "\n";
  }
  out.flush();
  if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write `", path.string(), "`"));
  return absl::OkStatus();
}

}  // namespace terse
