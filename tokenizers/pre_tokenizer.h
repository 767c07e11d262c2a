// The pre-tokenizer of a Hugging Face tokenizer: splits normalized text into the pieces ("words")
// that BPE then encodes one at a time. Supported steps, applied in order to every piece:
//   Split     a regex or literal pattern with a delimiter behavior (Isolated, Removed,
//             MergedWithPrevious, MergedWithNext, Contiguous), optionally inverted;
//   Digits    numbers apart from the rest, digit by digit or as runs;
//   ByteLevel GPT-2's optional prefix space and split regex, then the byte-level alphabet. It
//             must be the last step: BPE then works on the pieces' raw bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tokenizers/unicode_regex.h"

namespace terse {

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// Where pieces live while a text is split: views into the text, plus owned strings for pieces
// that a step rewrites (ByteLevel's prefix space).
struct PreTokenizerScratch {
  std::vector<absl::string_view> pieces;
  std::vector<absl::string_view> next;
  std::vector<UnicodeRegex::Match> matches;
  std::vector<std::unique_ptr<std::string>> owned;
};

class PreTokenizer {
 public:
  // Each add_* returns FailedPrecondition when a ByteLevel step is already there (it must be last).
  // Adds a Split step: `regex` finds the delimiters (or, with `invert`, the pieces to keep).
  absl::Status add_split(std::shared_ptr<const UnicodeRegex> regex, SplitBehavior behavior,
                         bool invert);
  // Adds a Digits step.
  absl::Status add_digits(bool individual_digits);
  // Adds the ByteLevel step.
  absl::Status add_byte_level(bool add_prefix_space, bool use_regex);
  // True when a ByteLevel step is present: pieces are then raw bytes for a byte-level model.
  bool byte_level() const { return byte_level_; }
  // Number of steps.
  size_t size() const { return steps_.size(); }

  // Splits valid UTF-8 `text` into `scratch->pieces` (non-empty, in order). The pieces view
  // `text` or `scratch->owned`, so both must outlive their use.
  void split(absl::string_view text, PreTokenizerScratch* scratch) const;

 private:
  struct Step {
    std::shared_ptr<const UnicodeRegex> regex;  // null: a prefix-space-only ByteLevel step
    SplitBehavior behavior = SplitBehavior::kIsolated;
    bool invert = false;
    bool add_prefix_space = false;  // ByteLevel only, applied before the regex
  };

  absl::Status check_not_after_byte_level() const;
  void apply(const Step& step, PreTokenizerScratch* scratch) const;

  std::vector<Step> steps_;
  bool byte_level_ = false;
};

// The pattern GPT-2's ByteLevel pre-tokenizer splits with when `use_regex` is true.
inline constexpr absl::string_view kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace terse
