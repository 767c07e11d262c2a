#include "core/config_loader.h"

#include "tests/catch.h"
#include "tests/core/test_config.h"
#include "tests/test_util.h"

namespace terse {
namespace {

using testing::Mode;
using testing::TempDir;
using testing::TestConfig;
using testing::write_file;

absl::StatusOr<TestConfig> load(std::vector<std::string> files,
                                std::vector<std::string> overrides = {}) {
  return load_config<TestConfig>({std::move(files), std::move(overrides)});
}

// The error text of a load that must fail with InvalidArgument.
std::string load_error(std::vector<std::string> files, std::vector<std::string> overrides = {}) {
  const auto config = load(std::move(files), std::move(overrides));
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST_CASE("no sources leave the defaults", "[config]") {
  const auto config = load({});
  REQUIRE(config.ok());
  CHECK(config->name == "demo");
  CHECK(config->inner.lr == 0.001);
  CHECK(config->inner.mode == Mode::kFast);
  CHECK(config->sizes == std::vector<int64_t>{1, 2});
}

TEST_CASE("a YAML file sets fields of every type", "[config]") {
  TempDir dir;
  write_file(dir / "a.yaml",
             "name: trial\nverbose: true\nsizes: [3, 4, 5]\nweights: [0.25, 1]\n"
             "tags: [x, 'y z']\nkind: b\ninner:\n  lr: 3e-4\n  group_size: 8\n  mode: exact\n");
  const auto config = load({(dir / "a.yaml").string()});
  REQUIRE(config.ok());
  CHECK(config->name == "trial");
  CHECK(config->verbose);
  CHECK(config->sizes == std::vector<int64_t>{3, 4, 5});
  CHECK(config->weights == std::vector<double>{0.25, 1.0});
  CHECK(config->tags == std::vector<std::string>{"x", "y z"});
  CHECK(config->kind == "b");
  CHECK(config->inner.lr == 3e-4);
  CHECK(config->inner.group_size == 8);
  CHECK(config->inner.mode == Mode::kExact);
}

TEST_CASE("precedence is defaults < files in order < overrides in order", "[config]") {
  TempDir dir;
  write_file(dir / "one.yaml", "name: one\ninner:\n  lr: 0.1\n  group_size: 3\n");
  write_file(dir / "two.yaml", "inner:\n  lr: 0.2\n");
  const auto config = load({(dir / "one.yaml").string(), (dir / "two.yaml").string()},
                           {"inner.lr=0.3", "inner.lr=0.4", "sizes=[7, 8]", "verbose=true"});
  REQUIRE(config.ok());
  CHECK(config->name == "one");          // only in the first file
  CHECK(config->inner.group_size == 3);  // only in the first file
  CHECK(config->inner.lr == 0.4);        // the last override wins
  CHECK(config->sizes == std::vector<int64_t>{7, 8});
  CHECK(config->verbose);
  CHECK(config->inner.mode == Mode::kFast);  // untouched default
}

TEST_CASE("a file extends its base files, which it overrides", "[config]") {
  TempDir dir;
  write_file(dir / "presets/base.yaml", "name: base\ninner:\n  lr: 0.5\n  group_size: 6\n");
  write_file(dir / "presets/child.yaml", "base: base.yaml\ninner:\n  lr: 0.25\n");
  const auto config = load({(dir / "presets/child.yaml").string()});
  REQUIRE(config.ok());
  CHECK(config->name == "base");
  CHECK(config->inner.group_size == 6);
  CHECK(config->inner.lr == 0.25);
}

TEST_CASE("base files that form a cycle are an error", "[config]") {
  TempDir dir;
  write_file(dir / "a.yaml", "base: b.yaml\n");
  write_file(dir / "b.yaml", "base: a.yaml\n");
  const std::string error = load_error({(dir / "a.yaml").string()});
  CHECK_THAT(error, Catch::Contains("cycle"));
}

TEST_CASE("a config path too long for the file system is an error, not a crash", "[config]") {
  const std::string name = std::string(5000, 'x') + ".yaml";
  const auto config = load({name});
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(config.status().message()), Catch::Contains("does not exist"));
}

TEST_CASE("an unknown key names its path, file:line:column and the nearest key", "[config]") {
  TempDir dir;
  const std::string file = (dir / "bad.yaml").string();
  write_file(file, "name: x\ninner:\n  lrr: 3\n");
  const std::string error = load_error({file});
  CHECK_THAT(error, Catch::Contains(file + ":3:3: unknown key `inner.lrr`; did you mean "
                                           "`inner.lr`?"));
}

TEST_CASE("a key in the wrong section suggests the section where it lives", "[config]") {
  const std::string error = load_error({}, {"group_size=4"});
  CHECK_THAT(error, Catch::Contains("unknown key `group_size`; did you mean `inner.group_size`?"));
}

TEST_CASE("a wrong type names the expected type and the key path", "[config]") {
  TempDir dir;
  const std::string file = (dir / "bad.yaml").string();
  write_file(file, "inner:\n  group_size: abc\n");
  CHECK_THAT(load_error({file}),
             Catch::Contains(file + ":2:15: `inner.group_size`: expected an integer, got `abc`"));
  CHECK_THAT(load_error({}, {"inner.group_size=2.5"}), Catch::Contains("expected an integer"));
  CHECK_THAT(load_error({}, {"verbose=maybe"}), Catch::Contains("expected a boolean"));
  CHECK_THAT(load_error({}, {"sizes=3"}), Catch::Contains("expected a list of integers"));
  CHECK_THAT(load_error({}, {"inner=3"}),
             Catch::Contains("`inner` is a section: expected a mapping of its keys, got `3`"));
  CHECK_THAT(load_error({}, {"inner.mode=slow"}),
             Catch::Contains("`inner.mode`: expected one of {fast, exact}, got `slow`"));
}

TEST_CASE("text that is not UTF-8 is a type error (found by fuzzing)", "[config]") {
  TempDir dir;
  write_file(dir / "bytes.yaml", "name: \"a\xff\xfe b\"\ntags: [x, \"\xc3\"]\n");
  const std::string error = load_error({(dir / "bytes.yaml").string()});
  CHECK_THAT(error, Catch::Contains("`name`: expected a string, got text that is not valid UTF-8"));
  CHECK_THAT(error, Catch::Contains("`tags`: expected a list of strings"));
}

TEST_CASE("huge and non-finite numbers are type errors, not wrapped values", "[config]") {
  CHECK_THAT(load_error({}, {"inner.group_size=99999999999999999999"}),
             Catch::Contains("expected an integer"));
  CHECK_THAT(load_error({}, {"inner.lr=1e999"}), Catch::Contains("expected a number"));
  CHECK_THAT(load_error({}, {"inner.lr=nan"}), Catch::Contains("expected a number"));
}

TEST_CASE("an out-of-range value names the allowed range and where it was set", "[config]") {
  TempDir dir;
  const std::string file = (dir / "bad.yaml").string();
  write_file(file, "inner:\n  lr: -0.5\n");
  CHECK_THAT(load_error({file}),
             Catch::Contains(file + ":2:7: `inner.lr` = -0.5 is out of range: it must be > 0"));
  CHECK_THAT(load_error({}, {"inner.group_size=1"}),
             Catch::Contains("override `inner.group_size=1`: `inner.group_size` = 1 is out of "
                             "range: it must be >= 2"));
  CHECK_THAT(load_error({}, {"weights=[0.5, 1.5]"}), Catch::Contains("must be in [0, 1]"));
}

TEST_CASE("a bad value in a file is fine when a later override fixes it", "[config]") {
  TempDir dir;
  write_file(dir / "a.yaml", "inner:\n  lr: -1\n");
  const auto config = load({(dir / "a.yaml").string()}, {"inner.lr=0.5"});
  REQUIRE(config.ok());
  CHECK(config->inner.lr == 0.5);
}

TEST_CASE("malformed YAML gives file:line:column", "[config]") {
  TempDir dir;
  const std::string file = (dir / "bad.yaml").string();
  write_file(file, "name: x\ninner:\n  lr: [1, 2\n");
  CHECK_THAT(load_error({file}), Catch::Contains(file + ":4:1: malformed YAML"));
}

TEST_CASE("a document that is not a mapping is an error", "[config]") {
  TempDir dir;
  write_file(dir / "list.yaml", "- a\n- b\n");
  CHECK_THAT(load_error({(dir / "list.yaml").string()}),
             Catch::Contains("a config must be a mapping of keys"));
}

TEST_CASE("an empty file changes nothing", "[config]") {
  TempDir dir;
  write_file(dir / "empty.yaml", "# only a comment\n");
  const auto config = load({(dir / "empty.yaml").string()});
  REQUIRE(config.ok());
  CHECK(config->name == "demo");
}

TEST_CASE("a missing file is NotFound and names the file", "[config]") {
  const auto config = load({"/nonexistent/terse.yaml"});
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(config.status().message()), Catch::Contains("/nonexistent/terse.yaml"));
}

TEST_CASE("bad overrides say what is wrong", "[config]") {
  CHECK_THAT(load_error({}, {"=3"}), Catch::Contains("has no key path before `=`"));
  CHECK_THAT(load_error({}, {"inner.lr="}), Catch::Contains("has no value after `=`"));
  CHECK_THAT(load_error({}, {"inner..lr=1"}), Catch::Contains("has an empty segment"));
  CHECK_THAT(load_error({}, {"nosuch.key=1"}), Catch::Contains("unknown key `nosuch`"));
  CHECK_THAT(load_error({}, {"inner.lr=[1, 2"}), Catch::Contains("malformed YAML"));
}

TEST_CASE("every error is reported, one per line", "[config]") {
  const std::string error = load_error({}, {"nosuch=1", "inner.lr=x"});
  CHECK_THAT(error, Catch::Contains("unknown key `nosuch`"));
  CHECK_THAT(error, Catch::Contains("\n"));
  CHECK_THAT(error, Catch::Contains("`inner.lr`: expected a number, got `x`"));
}

TEST_CASE("command-line words split into files and overrides", "[config]") {
  const auto sources = split_config_args({"a.yaml", "x.y=1", "b.yml", "s=a=b"});
  REQUIRE(sources.ok());
  CHECK(sources->files == std::vector<std::string>{"a.yaml", "b.yml"});
  CHECK(sources->overrides == std::vector<std::string>{"x.y=1", "s=a=b"});
  const auto bad = split_config_args({"trainer.lr"});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(std::string(bad.status().message()),
             Catch::Contains("`trainer.lr` is neither a config file"));
}

TEST_CASE("an override value may itself contain '='", "[config]") {
  const auto config = load({}, {"name=a=b"});
  REQUIRE(config.ok());
  CHECK(config->name == "a=b");
}

TEST_CASE("nearest_key prefers the same leaf, then the smallest edit distance", "[config]") {
  const std::vector<std::string> keys = {"trainer", "trainer.lr", "trainer.steps", "rollout",
                                         "rollout.group_size"};
  CHECK(nearest_key("trainer.lrr", keys) == "trainer.lr");
  CHECK(nearest_key("lr", keys) == "trainer.lr");
  CHECK(nearest_key("rollout.groupsize", keys) == "rollout.group_size");
  CHECK(nearest_key("trainer.step", keys) == "trainer.steps");
  CHECK(nearest_key("anything", {}).empty());
}

TEST_CASE("config_key_paths lists sections and fields in order", "[config]") {
  TestConfig config;
  const auto keys = config_key_paths([&](ConfigVisitor& v) { config.visit(v); });
  CHECK(keys == std::vector<std::string>{"name", "verbose", "sizes", "weights", "tags", "kind",
                                         "inner", "inner.lr", "inner.group_size", "inner.mode"});
}

}  // namespace
}  // namespace terse
