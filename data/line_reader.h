// Reads a text stream line by line without ever holding more than a fixed number of bytes of one
// line: a longer line is reported as too long and skipped, however long it is.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace terse {

// One line of the stream, without its `\n` (or `\r\n`).
struct Line {
  int64_t number = 0;     // 1-based
  std::string text;       // empty when too_long
  bool too_long = false;  // longer than the limit; `text` is not kept
  int64_t bytes = 0;      // the line's length in bytes, counted even when too long
};

class LineReader {
 public:
  // Reads from `in`, which must outlive the reader; lines over `max_bytes` are too_long.
  LineReader(std::istream& in, int64_t max_bytes) : in_(in), max_bytes_(max_bytes) {}

  // The next line into `line`; false at the end of the stream. A last line without `\n` counts.
  bool next(Line* line);

 private:
  std::istream& in_;
  int64_t max_bytes_;
  int64_t number_ = 0;
};

}  // namespace terse
