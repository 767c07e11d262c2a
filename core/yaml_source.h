// YAML read at the edge, with positions for messages: a source's name and, where YAML marks
// refer to it, "name:line:column". For core's own parsers (yaml-cpp is a private dependency of
// terse_core, so this header is not for other layers).
#pragma once

#include <filesystem>
#include <string>
#include <yaml-cpp/yaml.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

// Where the YAML being read comes from.
struct YamlSource {
  std::string name;  // a file path, or e.g. "override `key=value`"
  bool has_marks;    // whether YAML marks (line, column) refer to `name`
};

// "name:line:column" of `node`, or just the name when the node has no position in it.
std::string yaml_where(const YamlSource& source, const YAML::Node& node);

// How a node reads in a message: `text` for a scalar, "a list", "a mapping" or "nothing".
std::string yaml_scalar_text(const YAML::Node& node);

// Parses `text`; malformed YAML is an InvalidArgument error at its line and column.
absl::StatusOr<YAML::Node> parse_yaml(absl::string_view text, const YamlSource& source);

// The text of a config file: NotFound when it is missing, InvalidArgument when it is too large.
absl::StatusOr<std::string> read_config_file(const std::filesystem::path& path);

}  // namespace terse
