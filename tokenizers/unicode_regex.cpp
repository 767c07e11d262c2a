#include "tokenizers/unicode_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <cctype>
#include <pcre2.h>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "core/utf8.h"

namespace terse {
namespace {

// JIT matching runs on a 32 KiB machine stack by default; a pattern that needs more (long
// backtracking runs) retries once on a heap stack of up to this size.
constexpr size_t kLargeJitStackBytes = size_t{64} << 20;

struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
using MatchData = std::unique_ptr<pcre2_match_data, MatchDataDeleter>;

struct JitStackDeleter {
  void operator()(pcre2_jit_stack* stack) const { pcre2_jit_stack_free(stack); }
};
struct MatchContextDeleter {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};

// A per-thread match context with a large JIT stack, made on first need.
pcre2_match_context* large_stack_context() {
  thread_local std::unique_ptr<pcre2_jit_stack, JitStackDeleter> stack;
  thread_local std::unique_ptr<pcre2_match_context, MatchContextDeleter> context;
  if (!context) {
    stack.reset(pcre2_jit_stack_create(32 * 1024, kLargeJitStackBytes, nullptr));
    context.reset(pcre2_match_context_create(nullptr));
    pcre2_jit_stack_assign(context.get(), nullptr, stack.get());
  }
  return context.get();
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

struct UnicodeRegex::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

UnicodeRegex::UnicodeRegex(std::string pattern, std::unique_ptr<Compiled> compiled)
    : pattern_(std::move(pattern)), compiled_(std::move(compiled)) {}

UnicodeRegex::~UnicodeRegex() = default;

absl::StatusOr<std::unique_ptr<UnicodeRegex>> UnicodeRegex::compile(absl::string_view pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  auto compiled = std::make_unique<Compiled>();
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF | PCRE2_UCP, &error, &offset, /*ccontext=*/nullptr);
  if (compiled->code == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("invalid regular expression \"", pattern,
                                                   "\" at offset ", offset, ": ",
                                                   pcre2_message(error)));
  }
  // JIT is an optimisation: where the CPU or build lacks it, the interpreter gives equal results.
  pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
  return std::unique_ptr<UnicodeRegex>(new UnicodeRegex(std::string(pattern), std::move(compiled)));
}

std::string UnicodeRegex::escape(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    // A backslash before any ASCII non-alphanumeric character makes it literal in PCRE2.
    if (b < 0x80 && !std::isalnum(b)) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void UnicodeRegex::find_all(absl::string_view text, std::vector<Match>* matches) const {
  MatchData data(pcre2_match_data_create(1, nullptr));
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  while (start <= text.size()) {
    int rc = pcre2_match(compiled_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK,
                         data.get(), nullptr);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
      rc = pcre2_match(compiled_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, data.get(),
                       large_stack_context());
    }
    if (rc == PCRE2_ERROR_NOMATCH) return;
    if (rc < 0) {
      throw std::runtime_error(absl::StrCat("regular expression \"", pattern_, "\" failed at byte ",
                                            start, ": ", pcre2_message(rc)));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    const size_t begin = ovector[0];
    const size_t end = ovector[1];
    matches->emplace_back(begin, end);
    if (end > begin) {
      start = end;
    } else if (end < text.size()) {
      start = end + utf8_char_length(text, end);
    } else {
      return;
    }
  }
}

}  // namespace terse
