#include "tokenizers/prompt_template.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace terse {
namespace {

bool is_valid_name(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

absl::StatusOr<PromptTemplate> PromptTemplate::parse(absl::string_view text) {
  PromptTemplate result;
  std::string literal;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if ((c == '{' || c == '}') && pos + 1 < text.size() && text[pos + 1] == c) {
      literal.push_back(c);
      pos += 2;
      continue;
    }
    if (c == '}') {
      return absl::InvalidArgumentError(absl::StrCat("prompt template: lone \"}\" at offset ", pos,
                                                     "; write \"}}\" for a literal brace"));
    }
    if (c != '{') {
      literal.push_back(c);
      ++pos;
      continue;
    }
    const size_t close = text.find('}', pos + 1);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("prompt template: \"{\" at offset ", pos,
                                                     " is never closed; write \"{{\" for a "
                                                     "literal brace"));
    }
    const absl::string_view name = text.substr(pos + 1, close - pos - 1);
    if (!is_valid_name(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("prompt template: placeholder \"{", name, "}\" at offset ", pos,
                       " is not a name (letters, digits and _, not starting with a digit)"));
    }
    if (!literal.empty()) result.parts_.push_back({std::move(literal), false});
    literal.clear();
    result.parts_.push_back({std::string(name), true});
    if (std::find(result.names_.begin(), result.names_.end(), name) == result.names_.end()) {
      result.names_.emplace_back(name);
    }
    pos = close + 1;
  }
  if (!literal.empty()) result.parts_.push_back({std::move(literal), false});
  return result;
}

absl::StatusOr<std::string> PromptTemplate::render(
    const std::map<std::string, std::string>& values) const {
  std::string out;
  for (const Part& part : parts_) {
    if (!part.is_placeholder) {
      out += part.text;
      continue;
    }
    auto it = values.find(part.text);
    if (it == values.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("prompt template: no value for placeholder {", part.text, "}"));
    }
    out += it->second;
  }
  return out;
}

}  // namespace terse
