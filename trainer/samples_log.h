// samples.jsonl of an RL run: at each evaluation, the first trainer.log_samples graded
// completions, one JSON object per line ({"step", "prompt", "completion", "tokens", "correct",
// "answer"}).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "data/problem.h"
#include "trainer/evaluator.h"

namespace terse {

inline constexpr char kSamplesFile[] = "samples.jsonl";

// Starts the file of a run: empty, or for a run resumed at `resume_step` the lines of the steps
// up to it (the steps after are written again).
absl::Status start_samples_log(const std::filesystem::path& path,
                               std::optional<int64_t> resume_step);

// Appends the first `limit` samples of `result` (graded on `problems`) as step `step`.
absl::Status append_samples(const std::filesystem::path& path, int64_t step,
                            const EvalResult& result, const std::vector<Problem>& problems,
                            int64_t limit);

}  // namespace terse
