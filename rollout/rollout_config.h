// Sampling settings of the rollout workers.
#pragma once

#include <cstdint>

#include "core/config_visitor.h"

namespace terse {

struct RolloutConfig {
  int64_t group_size = 8;        // samples per prompt (G); group advantages need G >= 2
  double temperature = 1.0;      // softmax temperature of the sampling distribution
  double top_p = 1.0;            // nucleus sampling mass; 1 keeps the whole distribution
  int64_t top_k = 0;             // keep the k most likely tokens; 0 keeps all
  int64_t max_new_tokens = 256;  // completion budget per sample
  int64_t workers = 0;           // ranks that only sample (disaggregated); 0: colocated
  int64_t max_staleness = 0;     // versions a worker may sample behind the trainers

  void visit(ConfigVisitor& v);
};

}  // namespace terse
