#include "data/task.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "data/arithmetic_task.h"
#include "data/chain_task.h"
#include "data/countdown_task.h"
#include "data/data_config.h"

namespace terse {

const std::vector<TaskEntry>& task_table() {
  static const std::vector<TaskEntry> table = {
      {"arithmetic", "column addition with carries: `add 472+389`",
       [](const DataConfig& c) { return make_arithmetic_task(c.arithmetic); }},
      {"countdown", "reach a target with every given number once: `countdown 3 7 12 -> 33`",
       [](const DataConfig& c) { return make_countdown_task(c.countdown); }},
      {"chain", "find the start of a chain of operations: `chain ? +3 *4 -5 -> 63`",
       [](const DataConfig& c) { return make_chain_task(c.chain); }},
  };
  return table;
}

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const TaskEntry& entry : task_table()) names.emplace_back(entry.name);
  return names;
}

absl::StatusOr<std::unique_ptr<Task>> make_task(absl::string_view name, const DataConfig& config) {
  for (const TaskEntry& entry : task_table()) {
    if (name == entry.name) return entry.make(config);
  }
  return absl::NotFoundError(absl::StrCat("no built-in task `", name, "`; the tasks are ",
                                          absl::StrJoin(task_names(), ", ")));
}

}  // namespace terse
