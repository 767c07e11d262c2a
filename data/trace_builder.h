// Assembles a task's reasoning from steps in order: core steps, always present, and optional
// blocks, each kept or left out independently. Steps and blocks are joined by `;`, so every
// decision to include an optional block sits at a branch point: the token after a `;`, where
// an optional block starts with a lowercase keyword (`check`, `try`, ...) and a core step does
// not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "data/rng.h"

namespace terse {

// Defaults of TraceOptions and of the `data.` keys that set them.
inline constexpr double kDefaultOptionalProbability = 0.6;
inline constexpr int64_t kDefaultMaxCompletionTokens = 480;

// How the optional blocks of long traces are drawn.
struct TraceOptions {
  double optional_probability = kDefaultOptionalProbability;    // chance each block is kept
  int64_t max_completion_tokens = kDefaultMaxCompletionTokens;  // redraw until it fits (build)
};

// Both traces of one problem.
struct Traces {
  std::string long_trace;  // core steps plus the optional blocks drawn
  std::string core_trace;  // core steps only
};

class TraceBuilder {
 public:
  // Appends a step that every trace has.
  void core(std::string step);
  // Appends a block that long traces keep with the optional probability.
  void optional(std::string block);

  // Draws which optional blocks the long trace keeps: each independently with
  // `options.optional_probability`. When the long completion (trace, `answer` and the 4 tags)
  // would exceed `options.max_completion_tokens`, the draw is repeated (up to 32 times), and if
  // none fits, the last draw loses its latest kept blocks until it fits.
  Traces build(Rng& rng, const TraceOptions& options, absl::string_view answer) const;

 private:
  struct Piece {
    std::string text;
    bool optional;
  };
  std::vector<Piece> pieces_;
};

}  // namespace terse
