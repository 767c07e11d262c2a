#include "reward/answer_value.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "reward/answer_extractor.h"

namespace terse {
namespace {

// A piece of markup and what it becomes. `command` patterns are LaTeX control words: they match
// only when no letter follows (`\right` must not eat `\rightarrow`).
struct Rewrite {
  absl::string_view from;
  absl::string_view to;
  bool command;
};

// Longer spellings first where one is a prefix of another.
constexpr Rewrite kRewrites[] = {
    {"\\dfrac", "\\frac", true},
    {"\\tfrac", "\\frac", true},
    {"\\displaystyle", "", true},
    {"\\left", "", true},
    {"\\right", "", true},
    {"\\!", "", false},
    {"\\,", "", false},
    {"\\;", "", false},
    {"\\:", "", false},
    {"\\ ", " ", false},
    {"\\$", "", false},
    {"\\%", "", false},
    {"$", "", false},
    {"%", "", false},
    {"^{\\circ}", "", false},
    {"^\\circ", "", false},
    {"{,}", ",", false},
    {"\xC2\xA0", " ", false},      // no-break space
    {"\xC2\xB0", "", false},       // degree sign
    {"\xC2\xA3", "", false},       // pound sign
    {"\xE2\x82\xAC", "", false},   // euro sign
    {"\xE2\x88\x92", "-", false},  // minus sign
};

// Commands whose braces wrap plain content: `\text{18 dollars}` reads as `18 dollars`.
constexpr absl::string_view kWrappers[] = {"\\textbf", "\\textit", "\\textrm", "\\text",
                                           "\\mathrm", "\\mathbf", "\\mbox",   "\\operatorname"};

bool command_matches(absl::string_view text, size_t i, absl::string_view name) {
  return text.substr(i, name.size()) == name &&
         (i + name.size() >= text.size() || !absl::ascii_isalpha(text[i + name.size()]));
}

// If a wrapper command and its `{` start at `i`, the index just past that `{`; else 0.
size_t wrapper_end(absl::string_view text, size_t i) {
  for (absl::string_view name : kWrappers) {
    if (!command_matches(text, i, name)) continue;
    size_t j = i + name.size();
    while (j < text.size() && text[j] == ' ') ++j;
    return j < text.size() && text[j] == '{' ? j + 1 : 0;
  }
  return 0;
}

// The first bytes of every rewrite: other bytes are copied without looking further.
constexpr absl::string_view kRewriteStarts = "\\$%^{\xC2\xE2";

const Rewrite* rewrite_at(absl::string_view text, size_t i) {
  if (kRewriteStarts.find(text[i]) == absl::string_view::npos) return nullptr;
  for (const Rewrite& rewrite : kRewrites) {
    if (rewrite.command ? command_matches(text, i, rewrite.from)
                        : text.substr(i, rewrite.from.size()) == rewrite.from) {
      return &rewrite;
    }
  }
  return nullptr;
}

bool is_edge_punctuation(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
         absl::string_view(".,;:!?()[]\"'*`").find(c) != absl::string_view::npos;
}

// Strips surrounding punctuation and braces that wrap the whole text (`{18}`, but not the last
// brace of `\frac{3}{4}`), keeping the point of a leading decimal such as `.5`.
absl::string_view strip_edge_punctuation(absl::string_view text) {
  size_t before = 0;
  do {
    before = text.size();
    while (!text.empty() && is_edge_punctuation(text.front()) &&
           !(text.front() == '.' && text.size() > 1 && absl::ascii_isdigit(text[1]))) {
      text.remove_prefix(1);
    }
    while (!text.empty() && is_edge_punctuation(text.back())) text.remove_suffix(1);
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
      text = text.substr(1, text.size() - 2);
    }
  } while (text.size() != before);
  return text;
}

absl::string_view skip_spaces(absl::string_view text) {
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return text;
}

// A signed number read from the front of `*text`, which is advanced past it.
struct SignedNumber {
  bool negative = false;
  std::string digits;  // canonical unsigned spelling: "0", "18", "0.75"
  std::optional<Rational> exact;
};

// Canonical spelling of an unsigned literal such as "001,450.500": "1450.5".
std::string canonical_unsigned(absl::string_view literal) {
  std::string plain;
  for (char c : literal) {
    if (c != ',') plain.push_back(c);
  }
  absl::string_view whole = plain;
  absl::string_view fraction;
  if (const size_t dot = whole.find('.'); dot != absl::string_view::npos) {
    fraction = whole.substr(dot + 1);
    whole = whole.substr(0, dot);
  }
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  return absl::StrCat(whole.empty() ? "0" : whole, fraction.empty() ? "" : ".", fraction);
}

std::optional<SignedNumber> take_number(absl::string_view* text) {
  *text = skip_spaces(*text);
  SignedNumber number;
  if (!text->empty() && (text->front() == '-' || text->front() == '+')) {
    number.negative = text->front() == '-';
    text->remove_prefix(1);
    *text = skip_spaces(*text);
  }
  const size_t length = number_prefix_length(*text);
  if (length == 0 || text->front() == '-') return std::nullopt;
  number.digits = canonical_unsigned(text->substr(0, length));
  number.exact = Rational::parse_decimal(number.digits);
  if (number.exact && number.negative) number.exact = negate(*number.exact);
  if (number.digits == "0") number.negative = false;
  text->remove_prefix(length);
  return number;
}

// A `\frac` argument: `{number}`, or a single digit as in `\frac34`.
std::optional<SignedNumber> take_frac_argument(absl::string_view* text) {
  *text = skip_spaces(*text);
  if (text->empty()) return std::nullopt;
  if (text->front() != '{') {
    if (!absl::ascii_isdigit(text->front())) return std::nullopt;
    absl::string_view digit = text->substr(0, 1);
    text->remove_prefix(1);
    return take_number(&digit);
  }
  text->remove_prefix(1);
  auto number = take_number(text);
  *text = skip_spaces(*text);
  if (!number || text->empty() || text->front() != '}') return std::nullopt;
  text->remove_prefix(1);
  return number;
}

NumericAnswer to_answer(const SignedNumber& number) {
  return {number.exact, absl::StrCat(number.negative ? "-" : "", number.digits)};
}

NumericAnswer to_fraction(bool negative, const SignedNumber& num, const SignedNumber& den) {
  NumericAnswer answer;
  const bool minus = ((negative != num.negative) != den.negative) && num.digits != "0";
  answer.canonical = absl::StrCat(minus ? "-" : "", num.digits, "/", den.digits);
  if (num.exact && den.exact) {
    answer.exact = divide(*num.exact, *den.exact);
    if (answer.exact && negative) answer.exact = negate(*answer.exact);
  }
  return answer;
}

// The value at the front of `*text`: a signed decimal, `a/b`, or `\frac{a}{b}`.
std::optional<NumericAnswer> take_value(absl::string_view* text) {
  *text = skip_spaces(*text);
  bool negative = false;
  if (!text->empty() && (text->front() == '-' || text->front() == '+') &&
      absl::StartsWith(skip_spaces(text->substr(1)), "\\frac")) {
    negative = text->front() == '-';
    *text = skip_spaces(text->substr(1));
  }
  if (absl::ConsumePrefix(text, "\\frac")) {
    auto num = take_frac_argument(text);
    auto den = num ? take_frac_argument(text) : std::nullopt;
    if (!den) return std::nullopt;
    return to_fraction(negative, *num, *den);
  }
  auto number = take_number(text);
  if (!number) return std::nullopt;
  absl::string_view rest = skip_spaces(*text);
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
    if (auto den = take_number(&rest)) {
      *text = rest;
      return to_fraction(false, *number, *den);
    }
  }
  return to_answer(*number);
}

}  // namespace

std::string strip_answer_markup(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::vector<bool> brace_dropped;  // one entry per open `{`: whether its `}` is dropped too
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '{' || text[i + 1] == '}')) {
      out.append(text.substr(i, 2).data(), 2);  // a literal brace
      i += 2;
    } else if (const size_t end = c == '\\' ? wrapper_end(text, i) : 0; end != 0) {
      brace_dropped.push_back(true);
      i = end;
    } else if (const Rewrite* rewrite = rewrite_at(text, i)) {
      out.append(rewrite->to.data(), rewrite->to.size());
      i += rewrite->from.size();
    } else {
      if (c == '{') brace_dropped.push_back(false);
      const bool drop = c == '}' && !brace_dropped.empty() && brace_dropped.back();
      if (c == '}' && !brace_dropped.empty()) brace_dropped.pop_back();
      if (!drop) out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::optional<NumericAnswer> read_numeric_answer(absl::string_view answer) {
  const std::string plain = strip_answer_markup(answer);
  absl::string_view text = plain;
  if (const size_t eq = text.rfind('='); eq != absl::string_view::npos) {
    text = text.substr(eq + 1);
  }
  text = strip_edge_punctuation(text);
  auto value = take_value(&text);
  if (!value) return std::nullopt;
  // What follows may name a unit, but another number means the answer is not one value.
  for (char c : text) {
    if (absl::ascii_isdigit(c)) return std::nullopt;
  }
  return value;
}

bool same_value(const NumericAnswer& a, const NumericAnswer& b) {
  if (a.exact && b.exact) return *a.exact == *b.exact;
  return a.canonical == b.canonical;
}

std::string normalize_answer_text(absl::string_view answer) {
  const std::string plain = strip_answer_markup(answer);
  std::string collapsed;
  collapsed.reserve(plain.size());
  for (char c : plain) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed.push_back(' ');
    } else {
      collapsed.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return std::string(strip_edge_punctuation(collapsed));
}

}  // namespace terse
