#include "core/progress.h"

#include <sstream>

#include "tests/catch.h"

namespace terse {
namespace {

TEST_CASE("durations read as m:ss or h:mm:ss", "[progress]") {
  CHECK(format_duration(0) == "0:00");
  CHECK(format_duration(65) == "1:05");
  CHECK(format_duration(3723) == "1:02:03");
}

TEST_CASE("without a terminal: a plain line at most every interval, and at the end", "[progress]") {
  double now = 100;
  std::ostringstream out;
  Progress progress("sft", 50, out, /*interactive=*/false, 10.0, [&] { return now; });
  now = 102;
  progress.update(5, "loss 2.1");  // first update: printed
  now = 105;
  progress.update(10);  // 3 s later: within the interval, not printed
  now = 112;
  progress.update(25, "loss 1.4");  // 10 s after the last line: printed
  progress.finish("done");
  // At t = 112: 25 done in 12 s = 2.08/s, 25 left -> 12 s ETA.
  CHECK(out.str() ==
        "sft 5/50 (10%) 2.50/s elapsed 0:02 eta 0:18  loss 2.1\n"
        "sft 25/50 (50%) 2.08/s elapsed 0:12 eta 0:12  loss 1.4\n"
        "sft 25/50 (50%) 2.08/s elapsed 0:12 eta 0:12  done\n");
}

TEST_CASE("on a terminal: a bar redrawn in place", "[progress]") {
  double now = 0;
  std::ostringstream out;
  Progress progress("rl", 4, out, /*interactive=*/true, 10.0, [&] { return now; });
  now = 2;
  progress.update(1);
  CHECK(out.str() ==
        "\r\033[Krl [======                  ] 1/4 (25%) 0.50/s elapsed 0:02 eta 0:06");
  progress.finish();
  CHECK(out.str().back() == '\n');
}

}  // namespace
}  // namespace terse
