// Writes configs out: the resolved YAML saved in run directories (and printed by
// `terse config show`), and the key reference printed by `terse config keys`.
#pragma once

#include <string>
#include <vector>

#include "core/config_loader.h"

namespace terse {

// The config as YAML, every field present. With `with_docs`, each key is preceded by a comment
// line holding its documentation. Reading the result back gives an identical config.
std::string config_to_yaml(const ConfigRoot& root, bool with_docs);

// One row of the key reference.
struct ConfigKeyDoc {
  std::string path;     // "trainer.lr"
  std::string type;     // "a number", "one of {grpo, ppo}", ...
  std::string value;    // current value as YAML, e.g. "1e-05"
  std::string allowed;  // range such as "> 0", or "" when unbounded
  std::string doc;      // meaning of the field
};

// Every field of the config, in declaration order.
std::vector<ConfigKeyDoc> describe_config(const ConfigRoot& root);

}  // namespace terse
