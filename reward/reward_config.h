// How a completion is scored: an answer verifier for accuracy, and a length penalty.
#pragma once

#include <string>

#include "core/config_visitor.h"

namespace terse {

struct LengthPenaltyConfig {
  std::string kind = "none";  // which published penalty (see README, "Length penalties")
  double alpha = 0.0;         // penalty coefficient

  void visit(ConfigVisitor& v);
};

struct RewardConfig {
  std::string verifier = "math";  // math | countdown | exact
  LengthPenaltyConfig length_penalty;

  void visit(ConfigVisitor& v);
};

}  // namespace terse
