#include "core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace terse {
namespace {

constexpr int kBarWidth = 24;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string format_duration(double seconds) {
  const int64_t total = static_cast<int64_t>(std::max(0.0, std::round(seconds)));
  const int64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  if (hours > 0) return absl::StrFormat("%d:%02d:%02d", hours, minutes, secs);
  return absl::StrFormat("%d:%02d", minutes, secs);
}

Progress::Progress(absl::string_view label, int64_t total, std::ostream& out, bool interactive,
                   double line_interval_s, Clock clock)
    : label_(label),
      total_(std::max<int64_t>(total, 1)),
      out_(out),
      interactive_(interactive),
      line_interval_s_(line_interval_s),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)),
      start_(clock_()) {}

Progress Progress::on_stderr(absl::string_view label, int64_t total) {
  return Progress(label, total, std::cerr, ::isatty(STDERR_FILENO) != 0);
}

std::string Progress::render(int64_t done, absl::string_view detail) const {
  const double elapsed = clock_() - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const std::string eta =
      rate > 0 ? format_duration(static_cast<double>(total_ - done) / rate) : "?";
  std::string text = absl::StrFormat("%s %d/%d (%.0f%%) %.2f/s elapsed %s eta %s", label_, done,
                                     total_, 100 * fraction, rate, format_duration(elapsed), eta);
  if (interactive_) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    text = absl::StrCat(label_, " [", std::string(filled, '='),
                        std::string(kBarWidth - filled, ' '), "]", text.substr(label_.size()));
  }
  if (!detail.empty()) absl::StrAppend(&text, "  ", detail);
  return text;
}

void Progress::update(int64_t done, absl::string_view detail) {
  done_ = done;
  if (interactive_) {
    out_ << "\r\033[K" << render(done, detail) << std::flush;
    return;
  }
  const double now = clock_();
  if (now - last_line_ < line_interval_s_) return;
  last_line_ = now;
  out_ << render(done, detail) << "\n" << std::flush;
}

void Progress::finish(absl::string_view detail) {
  if (interactive_) {
    out_ << "\r\033[K" << render(done_, detail) << "\n" << std::flush;
  } else {
    out_ << render(done_, detail) << "\n" << std::flush;
  }
}

}  // namespace terse
