// The normalizer step of a Hugging Face tokenizer: Unicode normalization forms applied in order
// (a `Sequence` of them flattens to the list). ICU does the normalization.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace terse {

enum class UnicodeForm { kNfc, kNfd, kNfkc, kNfkd };

class Normalizer {
 public:
  // The identity normalizer.
  Normalizer() = default;
  // Applies `forms` in order.
  explicit Normalizer(std::vector<UnicodeForm> forms) : forms_(std::move(forms)) {}

  // Normalizes valid UTF-8 `text`; returns `text` itself when nothing changes, else a view of
  // `*storage`, which it overwrites.
  absl::string_view normalize(absl::string_view text, std::string* storage) const;

  // True when there is nothing to apply.
  bool is_identity() const { return forms_.empty(); }

 private:
  std::vector<UnicodeForm> forms_;
};

}  // namespace terse
