#include "reward/answer_extractor.h"

#include <cstddef>

#include "absl/strings/ascii.h"

namespace terse {
namespace {

constexpr absl::string_view kBoxed = "\\boxed";
constexpr absl::string_view kHashes = "####";
// U+2212 MINUS SIGN, which models and LaTeX-to-text converters write for "-".
constexpr absl::string_view kUnicodeMinus = "\xE2\x88\x92";

bool digit_at(absl::string_view text, size_t i) {
  return i < text.size() && absl::ascii_isdigit(text[i]);
}

std::optional<absl::string_view> non_empty(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return std::nullopt;
  return text;
}

// Length of the minus sign at text[0] (ASCII or U+2212), or 0.
size_t sign_length(absl::string_view text) {
  if (!text.empty() && text[0] == '-') return 1;
  if (text.substr(0, kUnicodeMinus.size()) == kUnicodeMinus) return kUnicodeMinus.size();
  return 0;
}

// Index just past the digits (with `,ddd` thousands groups and a `.ddd` decimal part) that
// start at `i`; `i` itself when there are none.
size_t skip_unsigned_number(absl::string_view text, size_t i) {
  size_t j = i;
  while (digit_at(text, j)) ++j;
  const bool has_integer_part = j > i;
  while (has_integer_part && j < text.size() && text[j] == ',' && digit_at(text, j + 1) &&
         digit_at(text, j + 2) && digit_at(text, j + 3) && !digit_at(text, j + 4)) {
    j += 4;
  }
  if (j < text.size() && text[j] == '.' && digit_at(text, j + 1)) {
    ++j;
    while (digit_at(text, j)) ++j;
  }
  return j;
}

// The last occurrence of `needle` (ASCII letters compared in any case), or npos.
size_t rfind_ignore_case(absl::string_view text, absl::string_view needle) {
  if (needle.size() > text.size()) return absl::string_view::npos;
  for (size_t i = text.size() - needle.size() + 1; i-- > 0;) {
    bool match = true;
    for (size_t k = 0; k < needle.size() && match; ++k) {
      match = absl::ascii_tolower(static_cast<unsigned char>(text[i + k])) == needle[k];
    }
    if (match) return i;
  }
  return absl::string_view::npos;
}

// The index of the `}` that closes the `{` at `open`, or npos. `\{` and `\}` are literal
// braces and do not count.
size_t matching_brace(absl::string_view text, size_t open) {
  size_t depth = 0;
  for (size_t j = open; j < text.size(); ++j) {
    if (text[j] == '\\') {
      ++j;
    } else if (text[j] == '{') {
      ++depth;
    } else if (text[j] == '}' && --depth == 0) {
      return j;
    }
  }
  return absl::string_view::npos;
}

// boxed, then ####, then the answer phrase.
std::optional<absl::string_view> find_untagged_answer(absl::string_view text) {
  if (auto boxed = find_boxed_answer(text)) return boxed;
  if (auto hashes = find_hashes_answer(text)) return hashes;
  return find_phrase_answer(text);
}

}  // namespace

size_t number_prefix_length(absl::string_view text) {
  const size_t sign = sign_length(text);
  const size_t end = skip_unsigned_number(text, sign);
  return end == sign ? 0 : end;
}

std::optional<absl::string_view> find_tagged_answer(absl::string_view text) {
  const size_t close = text.rfind(kAnswerClose);
  if (close == absl::string_view::npos) return std::nullopt;
  const size_t open = text.substr(0, close).rfind(kAnswerOpen);
  if (open == absl::string_view::npos) return std::nullopt;
  const size_t begin = open + kAnswerOpen.size();
  return non_empty(text.substr(begin, close - begin));
}

std::optional<absl::string_view> find_boxed_answer(absl::string_view text) {
  const size_t at = text.rfind(kBoxed);
  if (at == absl::string_view::npos) return std::nullopt;
  size_t i = at + kBoxed.size();
  const size_t after_name = i;
  while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '{') {
    const size_t close = matching_brace(text, i);
    if (close == absl::string_view::npos) return std::nullopt;
    return non_empty(text.substr(i + 1, close - i - 1));
  }
  // `\boxed 18`: the box holds the next space-delimited token.
  if (i == after_name) return std::nullopt;  // `\boxedfoo` is another command
  size_t end = i;
  while (end < text.size() && !absl::ascii_isspace(static_cast<unsigned char>(text[end])) &&
         text[end] != '$') {
    ++end;
  }
  return non_empty(text.substr(i, end - i));
}

std::optional<absl::string_view> find_hashes_answer(absl::string_view text) {
  const size_t at = text.rfind(kHashes);
  if (at == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = text.substr(at + kHashes.size());
  return non_empty(rest.substr(0, rest.find('\n')));
}

std::optional<absl::string_view> find_phrase_answer(absl::string_view text) {
  size_t best = absl::string_view::npos;
  size_t best_length = 0;
  for (absl::string_view phrase : {absl::string_view("answer is"), absl::string_view("answer:")}) {
    const size_t at = rfind_ignore_case(text, phrase);
    if (at != absl::string_view::npos && (best == absl::string_view::npos || at > best)) {
      best = at;
      best_length = phrase.size();
    }
  }
  if (best == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = text.substr(best + best_length);
  rest = rest.substr(0, rest.find('\n'));
  // Markdown emphasis and a colon often sit between the phrase and the answer.
  while (!rest.empty() && (rest.front() == ':' || rest.front() == '*' ||
                           absl::ascii_isspace(static_cast<unsigned char>(rest.front())))) {
    rest.remove_prefix(1);
  }
  // The sentence ends at a `.` followed by a space; a decimal point is followed by a digit.
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    if (rest[i] == '.' && absl::ascii_isspace(static_cast<unsigned char>(rest[i + 1]))) {
      rest = rest.substr(0, i);
      break;
    }
  }
  rest = absl::StripTrailingAsciiWhitespace(rest);
  while (!rest.empty() &&
         absl::string_view(".,;:!?").find(rest.back()) != absl::string_view::npos) {
    rest.remove_suffix(1);
  }
  return non_empty(rest);
}

std::optional<absl::string_view> find_last_number(absl::string_view text) {
  std::optional<absl::string_view> last;
  size_t i = 0;
  while (i < text.size()) {
    // A minus sign belongs to the number unless it follows a word, number or closing bracket
    // ("5-3" is a subtraction: its last number is 3, not -3).
    const bool sign_allowed =
        i == 0 || !(absl::ascii_isalnum(static_cast<unsigned char>(text[i - 1])) ||
                    text[i - 1] == ')' || text[i - 1] == ']' || text[i - 1] == '.');
    const size_t sign = sign_allowed ? sign_length(text.substr(i)) : 0;
    size_t end = skip_unsigned_number(text, i + sign);
    if (end == i + sign) {
      ++i;
      continue;
    }
    if (end < text.size() && text[end] == '/' && digit_at(text, end + 1)) {
      end = skip_unsigned_number(text, end + 1);
    }
    last = text.substr(i, end - i);
    i = end;
  }
  return last;
}

std::optional<absl::string_view> find_marked_answer(absl::string_view text) {
  if (auto tagged = find_tagged_answer(text)) {
    if (auto inner = find_untagged_answer(*tagged)) return inner;
    return tagged;
  }
  return find_untagged_answer(text);
}

absl::string_view reference_answer(absl::string_view gold) {
  return find_marked_answer(gold).value_or(absl::StripAsciiWhitespace(gold));
}

}  // namespace terse
