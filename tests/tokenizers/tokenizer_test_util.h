// Helpers shared by the tokenizer tests: fixture files and the real tokenizers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizers/tokenizer.h"

namespace terse::test {

// Path of a file under tests/tokenizers/fixtures/.
std::string fixture_path(const std::string& name);
// Every line of a JSONL fixture, parsed; fails the test when the file is missing.
std::vector<nlohmann::json> read_jsonl(const std::string& path);
// The real tokenizer `name` ("qwen3" or "llama3") from .deps/tokenizers/, loaded once; fails the
// test (never skips) when scripts/fetch_tokenizers.sh has not been run.
const Tokenizer& real_tokenizer(const std::string& name);
// A fresh temporary directory for one test.
std::string make_temp_dir(const std::string& prefix);

}  // namespace terse::test
