// A built-in task family: a generator of problems whose answers a verifier can check, each with
// a long and a core reasoning trace. Families are registered by name below.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "data/problem.h"
#include "data/rng.h"
#include "data/trace_builder.h"

namespace terse {

struct DataConfig;

class Task {
 public:
  virtual ~Task() = default;
  // The family's name as configs spell it (`data.task`).
  virtual absl::string_view name() const = 0;
  // Draws one problem from `rng`, its long trace drawn with `options`. The same rng state gives
  // the same problem.
  virtual Problem sample(Rng& rng, const TraceOptions& options) const = 0;
};

// A row of the task registry.
struct TaskEntry {
  const char* name;     // as `data.task` and `terse tasks --task` spell it
  const char* summary;  // one line: the problem and its prompt
  std::unique_ptr<Task> (*make)(const DataConfig& config);
  // Difficulty levels (`data.levels`): what a level counts, the levels the family supports,
  // and `config` changed so that every problem it generates has `level`.
  const char* level_meaning;
  int64_t min_level;
  int64_t max_level;
  void (*set_level)(DataConfig& config, int64_t level);
};

// The registry row of `name`, or null.
const TaskEntry* find_task(absl::string_view name);

// Every built-in family, in the order listings show them.
const std::vector<TaskEntry>& task_table();

// The names of the built-in families.
std::vector<std::string> task_names();

// The family called `name`, set up from its section of `config` (e.g. `data.countdown`);
// NotFound, listing the names, when there is none. With `data.levels`, each problem's level is
// drawn first (weights `data.level_weights`, equal when empty), then the problem at that level.
absl::StatusOr<std::unique_ptr<Task>> make_task(absl::string_view name, const DataConfig& config);

}  // namespace terse
