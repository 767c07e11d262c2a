#include "tokenizers/pre_tokenizer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace terse {
namespace {

// One stretch of a piece: a delimiter match or the text between two.
struct Stretch {
  size_t begin;
  size_t end;
  bool is_match;
};

// The stretches of a piece of `size` bytes given its sorted, non-overlapping matches.
void stretches_of(const std::vector<UnicodeRegex::Match>& matches, size_t size, bool invert,
                  std::vector<Stretch>* out) {
  out->clear();
  size_t previous = 0;
  for (const auto& [begin, end] : matches) {
    if (begin > previous) out->push_back({previous, begin, invert});
    out->push_back({begin, end, !invert});
    previous = end;
  }
  if (previous < size) out->push_back({previous, size, invert});
}

// Applies a delimiter behavior to `stretches` in place (the rules of HF tokenizers'
// NormalizedString::split); empty stretches are dropped by the caller.
void apply_behavior(SplitBehavior behavior, std::vector<Stretch>* stretches) {
  std::vector<Stretch> out;
  out.reserve(stretches->size());
  switch (behavior) {
    case SplitBehavior::kIsolated:
      return;
    case SplitBehavior::kRemoved:
      for (const Stretch& s : *stretches) {
        if (!s.is_match) out.push_back(s);
      }
      break;
    case SplitBehavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const Stretch& s : *stretches) {
        if (s.is_match && !previous_match && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
        previous_match = s.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool next_match = false;
      for (auto it = stretches->rbegin(); it != stretches->rend(); ++it) {
        if (it->is_match && !next_match && !out.empty()) {
          out.back().begin = it->begin;
        } else {
          out.push_back(*it);
        }
        next_match = it->is_match;
      }
      std::reverse(out.begin(), out.end());
      break;
    }
    case SplitBehavior::kContiguous: {
      bool previous_match = false;
      for (const Stretch& s : *stretches) {
        if (s.is_match && previous_match) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
        previous_match = s.is_match;
      }
      break;
    }
  }
  stretches->swap(out);
}

}  // namespace

absl::Status PreTokenizer::add_split(std::shared_ptr<const UnicodeRegex> regex,
                                     SplitBehavior behavior, bool invert) {
  TERSE_RETURN_IF_ERROR(check_not_after_byte_level());
  steps_.push_back(Step{std::move(regex), behavior, invert, false});
  return absl::OkStatus();
}

absl::Status PreTokenizer::add_digits(bool individual_digits) {
  TERSE_RETURN_IF_ERROR(check_not_after_byte_level());
  auto regex = UnicodeRegex::compile(individual_digits ? R"(\p{N})" : R"(\p{N}+)");
  if (!regex.ok()) return regex.status();
  steps_.push_back(Step{std::move(*regex), SplitBehavior::kIsolated, false, false});
  return absl::OkStatus();
}

absl::Status PreTokenizer::add_byte_level(bool add_prefix_space, bool use_regex) {
  TERSE_RETURN_IF_ERROR(check_not_after_byte_level());
  Step step;
  step.add_prefix_space = add_prefix_space;
  if (use_regex) {
    auto regex = UnicodeRegex::compile(kGpt2SplitPattern);
    if (!regex.ok()) return regex.status();
    step.regex = std::move(*regex);
  }
  steps_.push_back(std::move(step));
  byte_level_ = true;
  return absl::OkStatus();
}

absl::Status PreTokenizer::check_not_after_byte_level() const {
  if (!byte_level_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "a pre-tokenizer step follows ByteLevel; terse needs ByteLevel to be the last step");
}

void PreTokenizer::split(absl::string_view text, PreTokenizerScratch* scratch) const {
  scratch->pieces.clear();
  scratch->owned.clear();
  if (text.empty()) return;
  scratch->pieces.push_back(text);
  for (const Step& step : steps_) {
    // ByteLevel without prefix space or regex leaves the pieces as they are (BPE sees bytes).
    if (step.regex != nullptr || step.add_prefix_space) apply(step, scratch);
  }
}

void PreTokenizer::apply(const Step& step, PreTokenizerScratch* scratch) const {
  std::vector<absl::string_view>& next = scratch->next;
  next.clear();
  std::vector<Stretch> stretches;
  for (absl::string_view piece : scratch->pieces) {
    if (step.add_prefix_space && piece.front() != ' ') {
      scratch->owned.push_back(std::make_unique<std::string>(absl::StrCat(" ", piece)));
      piece = *scratch->owned.back();
    }
    if (step.regex == nullptr) {
      next.push_back(piece);
      continue;
    }
    scratch->matches.clear();
    step.regex->find_all(piece, &scratch->matches);
    stretches_of(scratch->matches, piece.size(), step.invert, &stretches);
    apply_behavior(step.behavior, &stretches);
    for (const Stretch& s : stretches) {
      if (s.end > s.begin) next.push_back(piece.substr(s.begin, s.end - s.begin));
    }
  }
  scratch->pieces.swap(next);
}

}  // namespace terse
