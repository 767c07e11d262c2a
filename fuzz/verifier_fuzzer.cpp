// Fuzzes the answer verifiers with model output: the input's first line is the gold answer, the
// rest the completion. Every verifier must return (bounded time, no crash) on any bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reward/format_check.h"
#include "reward/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  terse::Reference reference;
  reference.answer = input.substr(0, newline);
  reference.numbers = {3, 7, 25, 2};
  reference.target = 46;
  const std::string completion = newline == std::string::npos ? input : input.substr(newline + 1);
  for (const terse::VerifierKind kind :
       {terse::VerifierKind::kMath, terse::VerifierKind::kCountdown, terse::VerifierKind::kExact}) {
    terse::RewardConfig config;
    config.verifier = kind;
    (void)terse::make_verifier(config)->verify(completion, reference);
  }
  (void)terse::has_expected_format(completion, terse::FormatConfig{});
  return 0;
}
