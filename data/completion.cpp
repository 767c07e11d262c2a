#include "data/completion.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace terse {

std::string make_completion(absl::string_view trace, absl::string_view answer) {
  return absl::StrCat(kThinkOpen, trace, kThinkClose, kAnswerOpen, answer, kAnswerClose);
}

std::string long_completion(const Problem& problem) {
  return make_completion(problem.long_trace, problem.answer);
}

std::string core_completion(const Problem& problem) {
  return make_completion(problem.core_trace, problem.answer);
}

std::string direct_completion(const Problem& problem) {
  return make_completion("", problem.answer);
}

namespace {

// The long trace's pieces (split at `;`) in order, each marked optional or a core step. Empty
// when the core steps are not found in order.
std::vector<std::pair<absl::string_view, bool>> trace_pieces(const Problem& problem) {
  const std::vector<absl::string_view> core = absl::StrSplit(problem.core_trace, ';');
  std::vector<std::pair<absl::string_view, bool>> pieces;  // (text, optional)
  size_t next_core = 0;
  for (const absl::string_view piece : absl::StrSplit(problem.long_trace, ';')) {
    const bool is_core = next_core < core.size() && piece == core[next_core];
    pieces.emplace_back(piece, !is_core);
    if (is_core) ++next_core;
  }
  if (next_core != core.size()) pieces.clear();
  return pieces;
}

}  // namespace

std::string fitted_trace(const Problem& problem, int64_t think_tokens) {
  if (problem.core_trace.empty()) return problem.long_trace;
  const std::vector<std::pair<absl::string_view, bool>> pieces = trace_pieces(problem);
  if (pieces.empty()) return problem.long_trace;
  // Every kept piece costs its tokens and one `;` but the first.
  int64_t used = count_tokens(problem.core_trace);
  bool filling = true;  // no optional block has been left out yet
  std::vector<absl::string_view> kept;
  kept.reserve(pieces.size());
  for (const auto& [text, optional] : pieces) {
    if (optional) {
      const int64_t cost = count_tokens(text) + 1;
      filling = filling && used + cost <= think_tokens;
      if (!filling) continue;
      used += cost;
    }
    kept.push_back(text);
  }
  return absl::StrJoin(kept, ";");
}

std::string fitted_completion(const Problem& problem, int64_t think_tokens) {
  return make_completion(fitted_trace(problem, think_tokens), problem.answer);
}

std::string budget_trace(const Problem& problem, int64_t budget) {
  if (budget == 0) return "";
  if (budget < 0) return problem.long_trace;
  return fitted_trace(problem, budget);
}

int64_t count_tokens(absl::string_view text) {
  int64_t tokens = 0;
  size_t i = 0;
  while (i < text.size()) {
    const absl::string_view rest = text.substr(i);
    size_t step = 1;
    for (const absl::string_view tag : {kThinkOpen, kThinkClose, kAnswerOpen, kAnswerClose}) {
      if (absl::StartsWith(rest, tag)) {
        step = tag.size();
        break;
      }
    }
    if (step == 1 && static_cast<unsigned char>(text[i]) >= 0xC0) {
      // A lead byte: its continuation bytes (10xxxxxx, at most 3) belong to the same character.
      while (step < 4 && i + step < text.size() &&
             (static_cast<unsigned char>(text[i + step]) & 0xC0) == 0x80) {
        ++step;
      }
    }
    i += step;
    ++tokens;
  }
  return tokens;
}

}  // namespace terse
