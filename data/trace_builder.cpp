#include "data/trace_builder.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "data/completion.h"

namespace terse {
namespace {

constexpr int kMaxDraws = 32;
constexpr int64_t kTagTokens = 4;

}  // namespace

void TraceBuilder::core(std::string step) { pieces_.push_back({std::move(step), false}); }

void TraceBuilder::optional(std::string block) { pieces_.push_back({std::move(block), true}); }

Traces TraceBuilder::build(Rng& rng, const TraceOptions& options, absl::string_view answer) const {
  std::vector<std::string> core;
  for (const Piece& piece : pieces_) {
    if (!piece.optional) core.push_back(piece.text);
  }
  const int64_t budget = options.max_completion_tokens - kTagTokens - count_tokens(answer);
  // Tokens of the joined pieces: each piece's characters plus one `;` between neighbours.
  auto length = [&](const std::vector<bool>& keep) {
    int64_t total = -1;
    for (size_t i = 0; i < pieces_.size(); ++i) {
      if (keep[i]) total += count_tokens(pieces_[i].text) + 1;
    }
    return total;
  };
  std::vector<bool> keep(pieces_.size());
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    for (size_t i = 0; i < pieces_.size(); ++i) {
      keep[i] = !pieces_[i].optional || rng.bernoulli(options.optional_probability);
    }
    if (length(keep) <= budget) break;
  }
  for (size_t i = pieces_.size(); i-- > 0 && length(keep) > budget;) {
    if (pieces_[i].optional) keep[i] = false;
  }
  std::vector<std::string> kept;
  for (size_t i = 0; i < pieces_.size(); ++i) {
    if (keep[i]) kept.push_back(pieces_[i].text);
  }
  return {absl::StrJoin(kept, ";"), absl::StrJoin(core, ";")};
}

}  // namespace terse
