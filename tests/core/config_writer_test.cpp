#include "core/config_writer.h"

#include "tests/catch.h"
#include "tests/core/test_config.h"

namespace terse {
namespace {

using testing::Mode;
using testing::TestConfig;

ConfigRoot root_of(TestConfig& config) {
  return [&config](ConfigVisitor& v) { config.visit(v); };
}

TestConfig unusual_config() {
  TestConfig config;
  config.name = "yes";  // a YAML boolean word: must stay a string
  config.verbose = true;
  config.sizes = {};
  config.weights = {0.1, 1.0 / 3.0, 1e-7};
  config.tags = {"a: b",        "",    "line\nbreak", "#hash", "[x]", "bell\x07 and\x7f",
                 "caf\xc3\xa9", "b ]", "{x}",         "a, b"};
  config.kind = "b";
  config.inner.lr = 2.5e-5;
  config.inner.group_size = 16;
  config.inner.mode = Mode::kExact;
  return config;
}

void check_equal(const TestConfig& a, const TestConfig& b) {
  CHECK(a.name == b.name);
  CHECK(a.verbose == b.verbose);
  CHECK(a.sizes == b.sizes);
  CHECK(a.weights == b.weights);  // bit-exact: doubles are written in shortest round-trip form
  CHECK(a.tags == b.tags);
  CHECK(a.kind == b.kind);
  CHECK(a.inner.lr == b.inner.lr);
  CHECK(a.inner.group_size == b.inner.group_size);
  CHECK(a.inner.mode == b.inner.mode);
}

TEST_CASE("the written config reads back identically, with and without docs", "[config]") {
  for (const bool with_docs : {false, true}) {
    TestConfig original = unusual_config();
    const std::string yaml = config_to_yaml(root_of(original), with_docs);
    TestConfig copy;
    const absl::Status status = apply_config_yaml(yaml, "written.yaml", root_of(copy));
    INFO(yaml);
    REQUIRE(status.ok());
    check_equal(original, copy);
    CHECK(config_to_yaml(root_of(copy), with_docs) == yaml);
  }
}

TEST_CASE("values are written in their plainest YAML form", "[config]") {
  TestConfig config;
  config.weights = {1.0, 0.1, 1e-5};
  const std::string yaml = config_to_yaml(root_of(config), false);
  CHECK(yaml ==
        "name: demo\n"
        "verbose: false\n"
        "sizes: [1, 2]\n"
        "weights: [1.0, 0.1, 1e-05]\n"
        "tags: []\n"
        "kind: a\n"
        "inner:\n"
        "  lr: 0.001\n"
        "  group_size: 4\n"
        "  mode: fast\n");
}

TEST_CASE("docs appear as comments above their keys", "[config]") {
  TestConfig config;
  const std::string yaml = config_to_yaml(root_of(config), true);
  CHECK_THAT(yaml, Catch::StartsWith("# Name.\nname: demo\n"));
  CHECK_THAT(yaml,
             Catch::Contains("\n# Inner section.\ninner:\n  # Learning rate.\n  lr: 0.001\n"));
}

TEST_CASE("describe_config gives path, type, default, range and doc", "[config]") {
  TestConfig config;
  const std::vector<ConfigKeyDoc> rows = describe_config(root_of(config));
  REQUIRE(rows.size() == 9);
  CHECK(rows[0].path == "name");
  CHECK(rows[0].type == "a string");
  const ConfigKeyDoc& lr = rows[6];
  CHECK(lr.path == "inner.lr");
  CHECK(lr.type == "a number");
  CHECK(lr.value == "0.001");
  CHECK(lr.allowed == "> 0");
  CHECK(lr.doc == "Learning rate.");
  CHECK(rows[8].type == "one of {fast, exact}");
  CHECK(rows[3].allowed == "in [0, 1]");
}

}  // namespace
}  // namespace terse
