// Setting up a trainer run in a test: a world of one process and a prepared run directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/config_writer.h"
#include "core/process_group.h"
#include "core/run_dir.h"
#include "tests/catch.h"
#include "trainer/training_config.h"

namespace terse::testing {

inline std::unique_ptr<ProcessGroup> single_process() {
  auto group = ProcessGroup::connect(DistEnv{}, ProcessGroupOptions{});
  REQUIRE(group.ok());
  return std::move(*group);
}

// The run directory of `config` (config.run.dir / config.run.name), prepared as the CLI does.
inline std::filesystem::path prepare_test_run(const TrainingConfig& config) {
  TrainingConfig copy = config;
  const std::string yaml = config_to_yaml([&](ConfigVisitor& v) { copy.visit(v); }, false);
  auto run_dir = prepare_run_directory(config.run, yaml);
  INFO(run_dir.status().ToString());
  REQUIRE(run_dir.ok());
  return *run_dir;
}

}  // namespace terse::testing
