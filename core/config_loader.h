// Reads configs from the outside world: YAML files (which may extend base files) and
// `key.path=value` overrides, onto a typed config struct (see core/config_visitor.h).
//
// Precedence: the struct's defaults < each YAML file in order (a file's `base:` files come
// before it) < each override in order. Unknown keys, wrong types, values outside their range
// and malformed YAML are InvalidArgument errors that name the key path and the file:line:column
// (or the override) they came from; every error found is reported, one per line.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config_visitor.h"
#include "core/status.h"

namespace terse {

// Calls Visit on the config being read or written: `[&](ConfigVisitor& v) { config.visit(v); }`.
using ConfigRoot = std::function<void(ConfigVisitor&)>;

// Where a config comes from.
struct ConfigSources {
  std::vector<std::string> files;      // YAML files, applied in order
  std::vector<std::string> overrides;  // `key.path=value`, applied after every file
};

// The top-level key with which a YAML file names the file(s) it extends, relative to itself.
inline constexpr absl::string_view kBaseKey = "base";

// Sorts command-line words into YAML files (ending in .yaml or .yml) and `key.path=value`
// overrides; any other word is an InvalidArgument error that says how to write an override.
absl::StatusOr<ConfigSources> split_config_args(const std::vector<std::string>& args);

// Applies `sources` over the current (default) values of the config behind `root`, then checks
// every numeric field against its range.
absl::Status apply_config_sources(const ConfigSources& sources, const ConfigRoot& root);

// Applies YAML text, named `source_name` in error messages, to the config behind `root`.
// Used for configs stored inside run directories and checkpoints.
absl::Status apply_config_yaml(absl::string_view yaml_text, absl::string_view source_name,
                               const ConfigRoot& root);

// Every key path the config accepts ("trainer.lr", ...), sections included.
std::vector<std::string> config_key_paths(const ConfigRoot& root);

// The valid key nearest to `key` (edit distance; a key with the same last segment wins),
// or "" when there are no keys.
std::string nearest_key(absl::string_view key, const std::vector<std::string>& valid_keys);

// Reads a config of type T (which has `visit(ConfigVisitor&)` and `absl::Status validate()
// const` for checks that involve several fields) from its defaults and `sources`.
template <class T>
absl::StatusOr<T> load_config(const ConfigSources& sources) {
  T config;
  TERSE_RETURN_IF_ERROR(apply_config_sources(sources, [&](ConfigVisitor& v) { config.visit(v); }));
  TERSE_RETURN_IF_ERROR(config.validate());
  return config;
}

}  // namespace terse
