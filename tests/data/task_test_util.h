// Checks shared by the task tests: how a long trace is built from core steps and optional blocks.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "data/problem.h"

namespace terse::testing {

// The keywords that open optional blocks, in every family.
inline const std::vector<std::string>& optional_keywords() {
  static const std::vector<std::string> keywords = {
      "goal", "about", "check", "back", "verify", "redo", "split", "so", "try", "plan", "used"};
  return keywords;
}

// The keyword a piece of a trace starts with ("check" for "check 2+9=11"), or "" for a core step.
inline std::string keyword_of(const std::string& piece) {
  for (const std::string& keyword : optional_keywords()) {
    if (absl::StartsWith(piece, keyword + " ")) return keyword;
  }
  return "";
}

// The pieces of a trace: its `;`-separated steps and blocks.
inline std::vector<std::string> pieces_of(const std::string& trace) {
  if (trace.empty()) return {};
  return absl::StrSplit(trace, ';');
}

// The long trace with every optional block removed.
inline std::string strip_optional(const std::string& long_trace) {
  std::vector<std::string> core;
  for (const std::string& piece : pieces_of(long_trace)) {
    if (keyword_of(piece).empty()) core.push_back(piece);
  }
  return absl::StrJoin(core, ";");
}

// The optional blocks of a trace that start with `keyword`.
inline std::vector<std::string> blocks(const std::string& trace, const std::string& keyword) {
  std::vector<std::string> out;
  for (const std::string& piece : pieces_of(trace)) {
    if (keyword_of(piece) == keyword) out.push_back(piece.substr(keyword.size() + 1));
  }
  return out;
}

}  // namespace terse::testing
