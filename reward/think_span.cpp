#include "reward/think_span.h"

namespace terse {

ThinkSpan find_think_span(absl::string_view completion) {
  ThinkSpan span{0, completion.size()};
  const size_t open = completion.find(kThinkOpen);
  const size_t close = completion.rfind(kThinkClose);
  if (open != absl::string_view::npos && (close == absl::string_view::npos || open < close)) {
    span.begin = open + kThinkOpen.size();
  }
  if (close != absl::string_view::npos && close >= span.begin) span.end = close;
  return span;
}

absl::string_view answer_region(absl::string_view completion) {
  const size_t close = completion.rfind(kThinkClose);
  if (close == absl::string_view::npos) return completion;
  return completion.substr(close + kThinkClose.size());
}

}  // namespace terse
