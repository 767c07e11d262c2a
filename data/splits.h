// Train and test splits of a built-in task. Every problem has a canonical key; a fixed hash of
// the key decides which split owns it, the same for every seed, so no test problem is ever a
// train problem, whichever seeds drew them. Each split draws its problems from its own random
// stream of `data.seed`.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "data/problem.h"
#include "data/task.h"
#include "data/trace_builder.h"

namespace terse {

enum class Split { kTrain, kTest };

// "train" or "test".
const char* split_name(Split split);

// The split that owns problems with `key`: test for a `test_fraction` share of all keys, picked
// by a seed-independent hash; expects 0 < test_fraction < 1.
Split split_of(absl::string_view key, double test_fraction);

// `count` problems of `split` with distinct keys, drawn from `task` in a stream fixed by `seed`.
// The first k problems are the same for every count >= k. FailedPrecondition when the split
// runs out of distinct problems (settings too easy for `count`).
absl::StatusOr<std::vector<Problem>> generate_split(const Task& task, Split split, int64_t count,
                                                    uint64_t seed, double test_fraction,
                                                    const TraceOptions& options);

}  // namespace terse
