// A sweep file: a base config, the terse command each run executes, and axes that give config
// keys their values, expanded into named runs.
//
//   base: [../default.yaml, trainer.steps=200]   # config files (relative to this file) and
//                                                # key.path=value overrides, as on the command line
//   command: train                               # the terse command of every run
//   grid:                                        # cartesian product, first key outermost
//     reward.length_penalty.kind: [linear, kimi]
//   zip:                                         # equally long lists taken together (or a list
//     trainer.lr: [1.0e-5, 3.0e-5]               # of such groups)
//     trainer.warmup_steps: [10, 30]
//   random:                                      # `samples` draws, crossed with the grid and zip
//     samples: 4
//     seed: 0
//     reward.length_penalty.coef: {min: 0.01, max: 1, log: true}   # `integer: true` for ints
//     rollout.temperature: {choices: [0.7, 1.0]}
//   name: "{reward.length_penalty.kind}_{trainer.lr}"   # default: key-value pairs of the axes
//   parallel: 2                                  # runs at once
//   out: runs/sweeps/mine                        # default: runs/sweeps/<file stem>
//
// Parsing is strict: unknown keys, wrong types, unequal zip lengths, a key on two axes, a name
// placeholder that is not an axis key and two runs with one name are InvalidArgument errors at
// the file:line:column where they are written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

// The value one axis gives one key in one run.
struct SweepValue {
  std::string key;   // config key path, e.g. "trainer.lr"
  std::string yaml;  // the value as YAML, for a `key=value` override
  std::string text;  // the value as shown in names and tables
};

// One run of a sweep.
struct SweepRun {
  std::string name;                // directory name under the sweep directory
  std::vector<SweepValue> values;  // one per axis key, in axis order

  // `key=value` overrides that set this run's axis values.
  std::vector<std::string> overrides() const;
};

// An axis key and where the sweep file names it.
struct SweepKey {
  std::string path;   // config key path
  std::string where;  // "file:line:column"
};

struct SweepSpec {
  std::filesystem::path file;               // the sweep file
  std::vector<std::string> base_files;      // config files, as paths usable from the working dir
  std::vector<std::string> base_overrides;  // key.path=value, applied after the files
  std::string command = "train";            // terse subcommand each run executes
  std::string command_where;                // where `command` is written ("" when defaulted)
  int64_t parallel = 1;                     // runs at once
  std::filesystem::path out;                // the sweep directory
  std::vector<SweepKey> keys;               // every axis key, in axis order
  std::vector<SweepRun> runs;               // the expanded runs, in order
};

// Parses the sweep file at `path` and expands its runs.
absl::StatusOr<SweepSpec> load_sweep_spec(const std::filesystem::path& path);

// Parses sweep YAML `text` as if read from the file `path` (relative paths resolve against its
// folder; it need not exist), and expands its runs.
absl::StatusOr<SweepSpec> parse_sweep_spec(absl::string_view text,
                                           const std::filesystem::path& path);

// Checks every axis key against `valid_keys` (as config_key_paths lists them): an unknown key
// is an InvalidArgument error at the place the sweep file names it, with the nearest valid key.
absl::Status check_sweep_keys(const SweepSpec& spec, const std::vector<std::string>& valid_keys);

}  // namespace terse
