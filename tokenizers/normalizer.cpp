#include "tokenizers/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace terse {
namespace {

bool is_ascii(absl::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

const icu::Normalizer2& instance(UnicodeForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
    case UnicodeForm::kNfc:
      normalizer = icu::Normalizer2::getNFCInstance(status);
      break;
    case UnicodeForm::kNfd:
      normalizer = icu::Normalizer2::getNFDInstance(status);
      break;
    case UnicodeForm::kNfkc:
      normalizer = icu::Normalizer2::getNFKCInstance(status);
      break;
    case UnicodeForm::kNfkd:
      normalizer = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  if (U_FAILURE(status) || normalizer == nullptr) {
    // Only a broken ICU installation (missing data library) gets here.
    throw std::runtime_error(absl::StrCat("ICU normalizer unavailable: ", u_errorName(status)));
  }
  return *normalizer;
}

}  // namespace

absl::string_view Normalizer::normalize(absl::string_view text, std::string* storage) const {
  // ASCII is invariant under all four forms, and it is most of what a tokenizer sees.
  if (forms_.empty() || is_ascii(text)) return text;
  absl::string_view current = text;
  std::string buffer;
  for (const UnicodeForm form : forms_) {
    const icu::Normalizer2& normalizer = instance(form);
    const icu::StringPiece piece(current.data(), static_cast<int32_t>(current.size()));
    UErrorCode status = U_ZERO_ERROR;
    if (normalizer.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) continue;
    buffer.clear();
    icu::StringByteSink<std::string> sink(&buffer);
    status = U_ZERO_ERROR;
    normalizer.normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_FAILURE(status)) {
      throw std::runtime_error(absl::StrCat("ICU normalization failed: ", u_errorName(status)));
    }
    storage->swap(buffer);
    current = *storage;
  }
  return current;
}

}  // namespace terse
