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

// The long trace's pieces in order, grouped: a core step on its own, a run of optional blocks
// between core steps together. Empty when the core steps are not found in order.
std::vector<std::pair<std::string, bool>> trace_runs(const Problem& problem) {
  const std::vector<absl::string_view> core = absl::StrSplit(problem.core_trace, ';');
  std::vector<std::pair<std::string, bool>> runs;  // (text, optional)
  size_t next_core = 0;
  for (const absl::string_view piece : absl::StrSplit(problem.long_trace, ';')) {
    if (next_core < core.size() && piece == core[next_core]) {
      runs.emplace_back(std::string(piece), false);
      ++next_core;
    } else if (!runs.empty() && runs.back().second) {
      absl::StrAppend(&runs.back().first, ";", piece);
    } else {
      runs.emplace_back(std::string(piece), true);
    }
  }
  if (next_core != core.size()) runs.clear();
  return runs;
}

}  // namespace

std::string fitted_trace(const Problem& problem, int64_t think_tokens) {
  if (problem.core_trace.empty()) return problem.long_trace;
  const std::vector<std::pair<std::string, bool>> runs = trace_runs(problem);
  if (runs.empty()) return problem.long_trace;
  // Every kept piece costs its tokens and one `;` but the first.
  int64_t used = count_tokens(problem.core_trace);
  std::vector<bool> keep(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].second) {
      keep[i] = true;
    } else if (used + count_tokens(runs[i].first) + 1 <= think_tokens) {
      keep[i] = true;
      used += count_tokens(runs[i].first) + 1;
    }
  }
  std::vector<absl::string_view> kept;
  kept.reserve(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    if (keep[i]) kept.push_back(runs[i].first);
  }
  return absl::StrJoin(kept, ";");
}

std::string fitted_completion(const Problem& problem, int64_t think_tokens) {
  return make_completion(fitted_trace(problem, think_tokens), problem.answer);
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
