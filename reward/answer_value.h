// Reads an extracted answer as a value, so that answers compare by what they mean rather than
// how they are written: `1,450,000` = `$1450000`, `18` = `18.00`, `3/4` = `\frac{3}{4}` = `0.75`,
// `50\%` = `50`. Every function runs in time linear in its input, without recursion.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "reward/rational.h"

namespace terse {

// A numeric answer: exact when it fits a Rational, and a canonical spelling ("-1234.5",
// "3/4") that still compares numbers too long for 64 bits.
struct NumericAnswer {
  std::optional<Rational> exact;
  std::string canonical;
};

// Removes what dresses an answer without changing it, in one pass: `$`, `\$`, `%`, `\%`, `€`, `£`,
// degrees, LaTeX spacing (`\,` `\!` `\;` `\:`), `\left`/`\right`, `{,}` thousands separators, and
// the wrappers `\text{…}`, `\textbf{…}`, `\mathrm{…}`, `\mbox{…}` (and kin) around their content;
// `\dfrac`/`\tfrac` become `\frac`, U+2212 becomes `-`, a no-break space a space.
std::string strip_answer_markup(absl::string_view text);

// `answer` as a number when, after strip_answer_markup, the part after its last `=` is (inside
// surrounding punctuation) a signed decimal, `a/b` or `\frac{a}{b}`, optionally followed by
// words without digits (units: "18 dollars"); nullopt otherwise.
std::optional<NumericAnswer> read_numeric_answer(absl::string_view answer);

// Whether two numeric answers have the same value.
bool same_value(const NumericAnswer& a, const NumericAnswer& b);

// `answer` for string comparison: markup stripped, whitespace runs collapsed to one space,
// ASCII lowercased, surrounding whitespace and punctuation removed.
std::string normalize_answer_text(absl::string_view answer);

}  // namespace terse
