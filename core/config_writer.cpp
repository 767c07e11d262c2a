#include "core/config_writer.h"

#include <algorithm>
#include <charconv>
#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace terse {
namespace {

// Shortest text that reads back as the same double; always recognisable as a number.
std::string double_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

// True when `value` holds a control character: only double quotes carry those through YAML.
bool has_control(const std::string& value) {
  return std::any_of(value.begin(), value.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A string as a YAML scalar, quoted only where YAML needs it.
std::string string_text(const std::string& value) {
  YAML::Emitter out;
  if (has_control(value)) out << YAML::DoubleQuoted;
  out << value;
  return out.c_str();
}

// A list of strings as a YAML flow sequence: inside `[...]` the characters `,[]{}` need quotes
// that a lone scalar does not, so the emitter writes the whole sequence.
std::string string_list_text(const std::vector<std::string>& values) {
  YAML::Emitter out;
  out << YAML::Flow << YAML::BeginSeq;
  for (const std::string& value : values) {
    if (has_control(value)) out << YAML::DoubleQuoted;
    out << value;
  }
  out << YAML::EndSeq;
  return out.c_str();
}

template <class T, class Format>
std::string list_text(const std::vector<T>& values, Format format) {
  return absl::StrCat(
      "[",
      absl::StrJoin(values, ", ", [&](std::string* out, const T& v) { out->append(format(v)); }),
      "]");
}

std::string value_text(const FieldInfo& field) {
  if (auto* v = std::get_if<bool*>(&field.value)) return **v ? "true" : "false";
  if (auto* v = std::get_if<int64_t*>(&field.value)) return absl::StrCat(**v);
  if (auto* v = std::get_if<double*>(&field.value)) return double_text(**v);
  if (auto* v = std::get_if<std::string*>(&field.value)) return string_text(**v);
  if (auto* v = std::get_if<std::vector<int64_t>*>(&field.value)) {
    return list_text(**v, [](int64_t x) { return absl::StrCat(x); });
  }
  if (auto* v = std::get_if<std::vector<double>*>(&field.value)) {
    return list_text(**v, double_text);
  }
  return string_list_text(*std::get<std::vector<std::string>*>(field.value));
}

class YamlWriter : public PathTrackingVisitor {
 public:
  explicit YamlWriter(bool with_docs) : with_docs_(with_docs) {}
  std::string text;

 protected:
  void on_field(const FieldInfo& field) override {
    comment(field.doc);
    absl::StrAppend(&text, indent(), field.name, ": ", value_text(field), "\n");
  }
  void on_section_begin(absl::string_view name, absl::string_view doc) override {
    if (with_docs_ && !text.empty()) text += "\n";
    comment(doc);
    absl::StrAppend(&text, indent(), name, ":\n");
    PathTrackingVisitor::on_section_begin(name, doc);
  }

 private:
  std::string indent() const { return std::string(2 * sections().size(), ' '); }
  void comment(absl::string_view doc) {
    if (with_docs_ && !doc.empty()) absl::StrAppend(&text, indent(), "# ", doc, "\n");
  }
  bool with_docs_;
};

class KeyDescriber : public PathTrackingVisitor {
 public:
  std::vector<ConfigKeyDoc> rows;

 protected:
  void on_field(const FieldInfo& field) override {
    rows.push_back({path_of(field.name), type_name(field), value_text(field),
                    field.range.describe(), std::string(field.doc)});
  }
};

}  // namespace

std::string config_to_yaml(const ConfigRoot& root, bool with_docs) {
  YamlWriter writer(with_docs);
  root(writer);
  return writer.text;
}

std::vector<ConfigKeyDoc> describe_config(const ConfigRoot& root) {
  KeyDescriber describer;
  root(describer);
  return describer.rows;
}

}  // namespace terse
