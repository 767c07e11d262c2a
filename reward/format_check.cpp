#include "reward/format_check.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "reward/answer_extractor.h"
#include "reward/think_span.h"

namespace terse {
namespace {

size_t count(absl::string_view text, absl::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// One `<think>` at the start (none with `think_in_prompt`) and one `</think>`.
bool has_one_thought(absl::string_view completion, bool think_in_prompt) {
  if (count(completion, kThinkClose) != 1) return false;
  const size_t opens = count(completion, kThinkOpen);
  if (think_in_prompt) return opens == 0;
  return opens == 1 && absl::StartsWith(absl::StripLeadingAsciiWhitespace(completion), kThinkOpen);
}

bool is_tagged_answer(absl::string_view after) {
  after = absl::StripAsciiWhitespace(after);
  if (!absl::ConsumePrefix(&after, kAnswerOpen) || !absl::ConsumeSuffix(&after, kAnswerClose)) {
    return false;
  }
  return !absl::StrContains(after, kAnswerOpen) && !absl::StrContains(after, kAnswerClose) &&
         !absl::StripAsciiWhitespace(after).empty();
}

}  // namespace

bool has_expected_format(absl::string_view completion, const FormatConfig& config) {
  if (!has_one_thought(completion, config.think_in_prompt)) return false;
  const absl::string_view after = answer_region(completion);
  switch (config.answer) {
    case FormatAnswer::kTags:
      return is_tagged_answer(after);
    case FormatAnswer::kBoxed:
      return find_boxed_answer(after).has_value();
    case FormatAnswer::kText:
      break;
  }
  return !absl::StripAsciiWhitespace(after).empty();
}

}  // namespace terse
