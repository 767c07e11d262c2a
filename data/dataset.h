// The one entry point for a run's problems: a split of the source `data.task` names.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "data/data_config.h"
#include "data/problem.h"
#include "data/splits.h"

namespace terse {

// The problems of `split`: generated from `config.seed` for a built-in task (exactly
// train_size / test_size of them), or read from data.jsonl.train_path / test_path for `jsonl`
// (the first train_size / test_size records, all when 0; an empty test_path gives no test
// problems). Errors name the file and line or the config key.
absl::StatusOr<std::vector<Problem>> load_split(const DataConfig& config, Split split);

}  // namespace terse
