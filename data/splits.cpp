#include "data/splits.h"

#include <xxhash.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "data/rng.h"

namespace terse {
namespace {

// Fixed forever: changing it would move problems between the splits of existing datasets.
constexpr uint64_t kSplitHashSeed = 0x7465727365;  // "terse"
// Draws allowed per wanted problem before a split counts as exhausted.
constexpr int64_t kDrawsPerProblem = 64;

}  // namespace

const char* split_name(Split split) { return split == Split::kTrain ? "train" : "test"; }

Split split_of(absl::string_view key, double test_fraction) {
  const uint64_t hash = XXH64(key.data(), key.size(), kSplitHashSeed);
  // The top 53 bits as a uniform number in [0, 1).
  const double u = static_cast<double>(hash >> 11) * 0x1.0p-53;
  return u < test_fraction ? Split::kTest : Split::kTrain;
}

absl::StatusOr<std::vector<Problem>> generate_split(const Task& task, Split split, int64_t count,
                                                    uint64_t seed, double test_fraction,
                                                    const TraceOptions& options) {
  Rng rng(seed, split == Split::kTrain ? 1 : 2);
  std::vector<Problem> problems;
  absl::flat_hash_set<std::string> keys;
  const int64_t max_draws = kDrawsPerProblem * count + 1024;
  for (int64_t draw = 0; draw < max_draws && static_cast<int64_t>(problems.size()) < count;
       ++draw) {
    Problem problem = task.sample(rng, options);
    if (split_of(problem.key, test_fraction) != split) continue;
    if (!keys.insert(problem.key).second) continue;
    problems.push_back(std::move(problem));
  }
  if (static_cast<int64_t>(problems.size()) < count) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task `", task.name(), "` gave only ", problems.size(), " distinct ", split_name(split),
        " problems of the ", count, " asked for in ", max_draws,
        " draws; ask for fewer (data.train_size, data.test_size) or make the problems harder "
        "(data.",
        task.name(), ".*)"));
  }
  return problems;
}

}  // namespace terse
