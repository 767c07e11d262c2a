// Fuzzes the config loader: any bytes as a YAML config, and as a key.path=value override, over a
// schema with every supported field type. Errors are fine; crashes, hangs and leaks are not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config_loader.h"
#include "core/config_writer.h"
#include "tests/core/test_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  terse::testing::TestConfig config;
  const terse::ConfigRoot root = [&](terse::ConfigVisitor& v) { config.visit(v); };
  if (terse::apply_config_yaml(text, "fuzz.yaml", root).ok()) {
    // A config that loads must write out and read back.
    terse::testing::TestConfig copy;
    const std::string yaml = terse::config_to_yaml(root, true);
    if (!terse::apply_config_yaml(yaml, "rewritten.yaml", [&](terse::ConfigVisitor& v) {
           copy.visit(v);
         }).ok()) {
      __builtin_trap();
    }
  }
  const auto sources = terse::split_config_args({text});
  if (sources.ok()) {
    terse::testing::TestConfig other;
    (void)terse::apply_config_sources(*sources, [&](terse::ConfigVisitor& v) { other.visit(v); });
  }
  return 0;
}
