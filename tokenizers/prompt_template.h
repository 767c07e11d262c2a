// A plain prompt template: text with {name} placeholders, for the built-in tasks' prompts
// ("Question: {question}\nAnswer:"). {{ and }} stand for literal braces.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

class PromptTemplate {
 public:
  // Parses `text`; InvalidArgument (with the byte offset) for an unclosed or empty placeholder,
  // a lone "}", or a name that is not [A-Za-z_][A-Za-z0-9_]*.
  static absl::StatusOr<PromptTemplate> parse(absl::string_view text);

  // The placeholder names, in order of first use.
  const std::vector<std::string>& names() const { return names_; }
  // The text with every placeholder replaced by its value; InvalidArgument naming the first
  // placeholder that has no value. Values are inserted verbatim (never re-parsed).
  absl::StatusOr<std::string> render(const std::map<std::string, std::string>& values) const;

 private:
  struct Part {
    std::string text;  // literal text, or the placeholder name
    bool is_placeholder;
  };
  std::vector<Part> parts_;
  std::vector<std::string> names_;
};

}  // namespace terse
