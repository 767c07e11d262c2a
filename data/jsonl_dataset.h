// Users' own problems from JSON Lines files, one JSON object per line, in one of two layouts:
//
//   gsm8k   {"question": "...", "answer": "reasoning ...\n#### 18"}: the gold answer is the text
//           after the last `####`, the reasoning the text before it (both trimmed);
//   fields  any field names: a prompt field, an answer field (a string or a number) and, when
//           named, a reasoning field.
//
// Every malformed line is reported with its file:line and what is wrong (invalid JSON, invalid
// UTF-8, a missing field, a field of the wrong type, a line over the size limit); blank lines
// are skipped. Lines are read one at a time and never held beyond the size limit.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config_visitor.h"
#include "data/problem.h"

namespace terse {

enum class JsonlFormat { kGsm8k, kFields };

struct JsonlConfig {
  JsonlFormat format = JsonlFormat::kGsm8k;  // how the answer field is read
  std::string train_path;                    // JSONL file of the train split
  std::string test_path;                     // JSONL file of the test split
  std::string prompt_field = "question";     // field holding the prompt
  std::string answer_field = "answer";       // field holding the answer (gsm8k: with reasoning)
  std::string reasoning_field;               // fields format: field holding reasoning; "" none
  int64_t max_line_bytes = 1 << 20;          // longer lines are errors

  void visit(ConfigVisitor& v);
};

// Every record of the JSONL file at `path`. NotFound when the file does not exist;
// InvalidArgument listing each malformed line (up to 20) as `path:line: problem`.
absl::StatusOr<std::vector<Problem>> load_jsonl(const std::string& path, const JsonlConfig& config);

// As load_jsonl, from a stream whose errors are named `source`.
absl::StatusOr<std::vector<Problem>> read_jsonl(std::istream& in, absl::string_view source,
                                                const JsonlConfig& config);

}  // namespace terse
