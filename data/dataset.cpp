#include "data/dataset.h"

#include <memory>

#include "core/status.h"
#include "data/jsonl_dataset.h"
#include "data/task.h"

namespace terse {

absl::StatusOr<std::vector<Problem>> load_split(const DataConfig& config, Split split) {
  const int64_t size = split == Split::kTrain ? config.train_size : config.test_size;
  if (config.task != "jsonl") {
    TERSE_ASSIGN_OR_RETURN(const std::unique_ptr<Task> task, make_task(config.task, config));
    return generate_split(*task, split, size, static_cast<uint64_t>(config.seed),
                          config.test_fraction, config.trace_options());
  }
  const std::string& path =
      split == Split::kTrain ? config.jsonl.train_path : config.jsonl.test_path;
  if (path.empty()) return std::vector<Problem>{};
  TERSE_ASSIGN_OR_RETURN(std::vector<Problem> problems, load_jsonl(path, config.jsonl));
  if (size > 0 && static_cast<int64_t>(problems.size()) > size) problems.resize(size);
  return problems;
}

}  // namespace terse
