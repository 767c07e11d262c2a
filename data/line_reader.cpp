#include "data/line_reader.h"

namespace terse {

bool LineReader::next(Line* line) {
  std::streambuf* buffer = in_.rdbuf();
  line->text.clear();
  line->too_long = false;
  line->bytes = 0;
  int c = buffer->sbumpc();
  if (c == std::char_traits<char>::eof()) return false;
  line->number = ++number_;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = buffer->sbumpc()) {
    ++line->bytes;
    if (line->too_long) continue;
    if (line->bytes > max_bytes_ + 1) {  // one byte of slack for a `\r` before the `\n`
      line->too_long = true;
      line->text.clear();
      line->text.shrink_to_fit();
      continue;
    }
    line->text.push_back(static_cast<char>(c));
  }
  if (!line->too_long && !line->text.empty() && line->text.back() == '\r') {
    line->text.pop_back();
    --line->bytes;
  }
  if (!line->too_long && line->bytes > max_bytes_) {
    line->too_long = true;
    line->text.clear();
  }
  return true;
}

}  // namespace terse
