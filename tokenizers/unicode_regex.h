// A compiled PCRE2 regular expression for tokenizer split patterns: UTF-8, Unicode properties
// (\p{L}, \p{N}, and \s, \d, \w in their Unicode sense), look-ahead, JIT-compiled when the CPU
// allows. Hugging Face patterns are written for Oniguruma; PCRE2 reads them the same way.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

class UnicodeRegex {
 public:
  // Byte offsets [first, second) of a match.
  using Match = std::pair<size_t, size_t>;

  // Compiles `pattern`; InvalidArgument naming the offset and PCRE2's reason when it is invalid.
  static absl::StatusOr<std::unique_ptr<UnicodeRegex>> compile(absl::string_view pattern);
  // A pattern that matches `text` literally.
  static std::string escape(absl::string_view text);

  ~UnicodeRegex();
  UnicodeRegex(const UnicodeRegex&) = delete;
  UnicodeRegex& operator=(const UnicodeRegex&) = delete;

  // Appends every non-overlapping match in `text` (valid UTF-8), left to right, to `matches`;
  // an empty match advances by one character. Thread-safe. Throws std::runtime_error only
  // when PCRE2 fails at run time (resource limits), which a split pattern should never reach.
  void find_all(absl::string_view text, std::vector<Match>* matches) const;

  // The pattern as given to compile().
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  UnicodeRegex(std::string pattern, std::unique_ptr<Compiled> compiled);

  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace terse
