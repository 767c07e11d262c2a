// A small config with one field of every supported type, used by the core config tests so they
// do not depend on the experiment schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/config_visitor.h"

namespace terse::testing {

enum class Mode { kFast, kExact };

struct InnerConfig {
  double lr = 0.001;
  int64_t group_size = 4;
  Mode mode = Mode::kFast;

  void visit(ConfigVisitor& v) {
    v.field("lr", lr, "Learning rate.", Range::above(0));
    v.field("group_size", group_size, "Samples per prompt.", Range::at_least(2));
    v.enum_field("mode", mode, {{"fast", Mode::kFast}, {"exact", Mode::kExact}}, "Mode.");
  }
};

struct TestConfig {
  std::string name = "demo";
  bool verbose = false;
  std::vector<int64_t> sizes = {1, 2};
  std::vector<double> weights = {0.5};
  std::vector<std::string> tags;
  std::string kind = "a";
  InnerConfig inner;

  void visit(ConfigVisitor& v) {
    v.field("name", name, "Name.");
    v.field("verbose", verbose, "Verbose.");
    v.field("sizes", sizes, "Sizes.", Range::at_least(1));
    v.field("weights", weights, "Weights.", Range::between(0, 1));
    v.field("tags", tags, "Tags.");
    v.choice("kind", kind, {"a", "b"}, "Kind.");
    v.section("inner", inner, "Inner section.");
  }
  absl::Status validate() const { return absl::OkStatus(); }
};

}  // namespace terse::testing
