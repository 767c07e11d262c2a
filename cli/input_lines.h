// The lines of a command's `--input FILE`, or of standard input when FILE is `-`, numbered for
// error messages.
#pragma once

#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace terse {

class InputLines {
 public:
  // NotFound when `path` cannot be read.
  static absl::StatusOr<std::unique_ptr<InputLines>> open(const std::string& path) {
    auto lines = std::unique_ptr<InputLines>(new InputLines());
    if (path == "-") return lines;
    lines->file_.open(path);
    if (!lines->file_) return absl::NotFoundError(absl::StrCat("cannot read --input ", path));
    lines->in_ = &lines->file_;
    lines->source_ = path;
    return lines;
  }

  // Reads the next line into `line`; false at the end.
  bool next(std::string& line) {
    if (!std::getline(*in_, line)) return false;
    ++number_;
    return true;
  }
  // The 1-based number of the line `next` read last.
  int64_t number() const { return number_; }
  // "standard input" or the file's path.
  const std::string& source() const { return source_; }

 private:
  InputLines() = default;

  std::ifstream file_;
  std::istream* in_ = &std::cin;
  std::string source_ = "standard input";
  int64_t number_ = 0;
};

}  // namespace terse
