// Progress of long work on stderr: a bar with rate and ETA, redrawn in place, when the stream is
// a terminal; plain periodic lines when it is not (CI logs, files), so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace terse {

class Progress {
 public:
  using Clock = std::function<double()>;  // seconds since some fixed point

  // Reports on `out`; `interactive` draws the bar, otherwise a line at most every
  // `line_interval_s` seconds (and at the end). `clock` is replaceable for tests.
  Progress(absl::string_view label, int64_t total, std::ostream& out, bool interactive,
           double line_interval_s = 10.0, Clock clock = {});

  // Progress on stderr, interactive when stderr is a terminal.
  static Progress on_stderr(absl::string_view label, int64_t total);

  // `done` items of `total` finished; `detail` (e.g. "loss 0.41") is shown after the rate.
  void update(int64_t done, absl::string_view detail = "");
  // Reports the final state and ends the bar's line.
  void finish(absl::string_view detail = "");

 private:
  std::string render(int64_t done, absl::string_view detail) const;

  std::string label_;
  int64_t total_;
  std::ostream& out_;
  bool interactive_;
  double line_interval_s_;
  Clock clock_;
  double start_;
  double last_line_ = -1e300;
  int64_t done_ = 0;
};

// "1:05" / "1:02:03" for a duration in seconds.
std::string format_duration(double seconds);

}  // namespace terse
