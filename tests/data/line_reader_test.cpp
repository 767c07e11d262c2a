// LineReader: line numbers, line ends, and lines over the limit skipped without being kept.
#include "data/line_reader.h"

#include <sstream>
#include <string>
#include <vector>

#include "tests/catch.h"

namespace terse {
namespace {

std::vector<Line> read_all(const std::string& text, int64_t max_bytes) {
  std::istringstream in(text);
  LineReader reader(in, max_bytes);
  std::vector<Line> lines;
  Line line;
  while (reader.next(&line)) lines.push_back(line);
  return lines;
}

TEST_CASE("lines, numbers, CRLF, a last line without newline", "[line_reader]") {
  const auto lines = read_all("a\nbb\r\n\nccc", 100);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == "a");
  CHECK(lines[1].text == "bb");
  CHECK(lines[1].bytes == 2);
  CHECK(lines[2].text.empty());
  CHECK(lines[3].text == "ccc");
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].number == static_cast<int64_t>(i + 1));
    CHECK_FALSE(lines[i].too_long);
  }
  CHECK(read_all("", 100).empty());
  CHECK(read_all("x\n", 100).size() == 1);
}

TEST_CASE("a line over the limit is reported and the next one read", "[line_reader]") {
  const std::string huge(3'000'000, 'x');
  const auto lines = read_all("abcd\n" + huge + "\nok\nabcde", 4);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == "abcd");  // exactly the limit
  CHECK_FALSE(lines[0].too_long);
  CHECK(lines[1].too_long);
  CHECK(lines[1].bytes == 3'000'000);
  CHECK(lines[1].text.capacity() < 1000);  // the long line was never held
  CHECK(lines[2].text == "ok");
  CHECK(lines[2].number == 3);
  CHECK(lines[3].too_long);  // one byte over
  CHECK(lines[3].bytes == 5);
  // A `\r` before the `\n` does not count against the limit.
  const auto crlf = read_all("abcd\r\n", 4);
  CHECK(crlf[0].text == "abcd");
  CHECK_FALSE(crlf[0].too_long);
}

}  // namespace
}  // namespace terse
