#include "core/config_visitor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace terse {
namespace {

std::string Number(double value) { return absl::StrCat(value); }

}  // namespace

bool Range::contains(double value) const {
  if (min) {
    if (min_exclusive ? !(value > *min) : !(value >= *min)) return false;
  }
  if (max && !(value <= *max)) return false;
  return true;
}

std::string Range::describe() const {
  if (min && max) {
    return absl::StrCat("in ", min_exclusive ? "(" : "[", Number(*min), ", ", Number(*max), "]");
  }
  if (min) return absl::StrCat(min_exclusive ? "> " : ">= ", Number(*min));
  if (max) return absl::StrCat("<= ", Number(*max));
  return "";
}

void PathTrackingVisitor::on_section_begin(absl::string_view name, absl::string_view /*doc*/) {
  sections_.emplace_back(name);
}

void PathTrackingVisitor::on_section_end() { sections_.pop_back(); }

std::string PathTrackingVisitor::path_of(absl::string_view name) const {
  if (sections_.empty()) return std::string(name);
  return absl::StrCat(absl::StrJoin(sections_, "."), ".", name);
}

std::string type_name(const FieldInfo& field) {
  if (!field.choices.empty()) {
    return absl::StrCat("one of {", absl::StrJoin(field.choices, ", "), "}");
  }
  struct Namer {
    std::string operator()(bool*) const { return "a boolean (true or false)"; }
    std::string operator()(int64_t*) const { return "an integer"; }
    std::string operator()(double*) const { return "a number"; }
    std::string operator()(std::string*) const { return "a string"; }
    std::string operator()(std::vector<int64_t>*) const { return "a list of integers"; }
    std::string operator()(std::vector<double>*) const { return "a list of numbers"; }
    std::string operator()(std::vector<std::string>*) const { return "a list of strings"; }
  };
  return std::visit(Namer{}, field.value);
}

}  // namespace terse
