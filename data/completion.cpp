#include "data/completion.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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
