// Sampling settings of the rollout workers.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_visitor.h"

namespace terse {

// How a thinking budget is enforced when a sample's thinking would exceed it.
enum class ThinkBudgetMode {
  kForce,     // the end-of-thinking tokens are forced in its place and the model goes on to
              // answer (s1's budget forcing, Muennighoff et al. 2025, arXiv 2501.19393)
  kTruncate,  // the sample stops there, finish reason length (vLLM RFC 54864's truncate mode)
};

// A thinking budget as text: the tags around the thinking span and the forced answer prefix
// (rollout/think_tags.h turns it into token ids).
struct ThinkBudgetConfig {
  int64_t tokens = -1;  // thinking tokens a sample may use; -1: no budget
  ThinkBudgetMode mode = ThinkBudgetMode::kForce;
  std::string open_tag = "<think>";
  std::string close_tag = "</think>";
  std::string answer_prefix;  // text forced after close_tag when the budget ends thinking

  void visit(ConfigVisitor& v);
};

struct RolloutConfig {
  int64_t group_size = 8;        // samples per prompt (G); group advantages need G >= 2
  double temperature = 1.0;      // softmax temperature of the sampling distribution
  double top_p = 1.0;            // nucleus sampling mass; 1 keeps the whole distribution
  int64_t top_k = 0;             // keep the k most likely tokens; 0 keeps all
  int64_t max_new_tokens = 256;  // completion budget per sample
  int64_t workers = 0;           // ranks that only sample (disaggregated); 0: colocated
  int64_t max_staleness = 0;     // versions a worker may sample behind the trainers
  ThinkBudgetConfig think;       // a thinking budget on every sample; off by default

  void visit(ConfigVisitor& v);
};

}  // namespace terse
