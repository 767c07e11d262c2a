// One reasoning problem, from a built-in task or a JSONL file: what the model is asked, the
// reference answer, and the reasoning traces that supervised training learns from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace terse {

// How an answer is checked.
enum class AnswerKind {
  kNumber,      // a number, compared by value (arithmetic, chain, GSM8K)
  kExpression,  // an expression over `numbers` that must equal `target` (countdown)
  kText,        // text, compared as written (JSONL with non-numeric answers)
};

struct Problem {
  std::string task;    // the family ("arithmetic", "countdown", "chain") or "jsonl"
  std::string key;     // canonical identity: equal keys are the same problem (splits, dedupe)
  std::string prompt;  // what the model sees, e.g. "add 472+389"
  std::string answer;  // the reference answer, e.g. "861" or "(12-7)*3"
  AnswerKind answer_kind = AnswerKind::kNumber;
  // The long trace: the necessary steps plus the optional ones that were drawn for this sample
  // (restating, checks, re-derivations, dead ends). Empty when a JSONL record has no reasoning.
  std::string long_trace;
  // The necessary steps alone: the shortest reasoning of the same notation that reaches the
  // answer. Empty when unknown (JSONL).
  std::string core_trace;
  std::vector<int64_t> numbers;  // countdown: the numbers the answer must use; else empty
  int64_t target = 0;            // countdown: the value the answer must reach; else 0
  // Difficulty in the family's own measure (arithmetic: digits of the longer addend; countdown:
  // how many numbers; chain: how many operations; JSONL: the record's `level`); 0 when unknown.
  int64_t level = 0;
};

// The spelling of an answer kind in records and listings: "number", "expression", "text".
const char* answer_kind_name(AnswerKind kind);

}  // namespace terse
