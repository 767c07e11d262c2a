#include "core/config_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <yaml-cpp/yaml.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/utf8.h"
#include "core/yaml_source.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// How many `base:` files may chain before we call it a mistake.
constexpr int kMaxBaseDepth = 16;

// Key path -> where its current value was set ("file:line:col" or "override `...`").
using Origins = absl::flat_hash_map<std::string, std::string>;

// --- Converting one YAML node to a typed value. Errors say what was expected. ---

absl::Status type_error(const FieldInfo& field, const YAML::Node& node) {
  return absl::InvalidArgumentError(
      absl::StrCat("expected ", type_name(field), ", got ", yaml_scalar_text(node)));
}

bool parse_bool(absl::string_view text, bool* out) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "on") {
    *out = true;
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off") {
    *out = false;
    return true;
  }
  return false;
}

bool parse_int(absl::string_view text, int64_t* out) { return absl::SimpleAtoi(text, out); }

bool parse_double(absl::string_view text, double* out) {
  return absl::SimpleAtod(text, out) && std::isfinite(*out);
}

// Config text must be UTF-8 (YAML requires it; written back, other bytes would not read again).
bool parse_string(absl::string_view text, std::string* out) {
  if (!utf8_is_valid(text)) return false;
  *out = std::string(text);
  return true;
}

template <class T, class Parse>
absl::Status convert_scalar(const FieldInfo& field, const YAML::Node& node, Parse parse, T* out) {
  if (!node.IsScalar() || !parse(node.Scalar(), out)) return type_error(field, node);
  return absl::OkStatus();
}

template <class T, class Parse>
absl::Status convert_list(const FieldInfo& field, const YAML::Node& node, Parse parse,
                          std::vector<T>* out) {
  if (!node.IsSequence()) return type_error(field, node);
  std::vector<T> values;
  for (const YAML::Node& item : node) {
    T value{};
    if (!item.IsScalar() || !parse(item.Scalar(), &value)) return type_error(field, item);
    values.push_back(std::move(value));
  }
  *out = std::move(values);
  return absl::OkStatus();
}

absl::Status convert_choice(const FieldInfo& field, const YAML::Node& node, std::string* out) {
  std::string text;
  TERSE_RETURN_IF_ERROR(convert_scalar(field, node, parse_string, &text));
  if (!field.choices.empty() &&
      std::find(field.choices.begin(), field.choices.end(), text) == field.choices.end()) {
    return type_error(field, node);
  }
  *out = std::move(text);
  return absl::OkStatus();
}

// Stores `node` in the field, or says what type was expected.
absl::Status convert(const FieldInfo& field, const YAML::Node& node) {
  if (auto* out = std::get_if<bool*>(&field.value)) {
    return convert_scalar(field, node, parse_bool, *out);
  }
  if (auto* out = std::get_if<int64_t*>(&field.value)) {
    return convert_scalar(field, node, parse_int, *out);
  }
  if (auto* out = std::get_if<double*>(&field.value)) {
    return convert_scalar(field, node, parse_double, *out);
  }
  if (auto* out = std::get_if<std::string*>(&field.value)) {
    return convert_choice(field, node, *out);
  }
  if (auto* out = std::get_if<std::vector<int64_t>*>(&field.value)) {
    return convert_list(field, node, parse_int, *out);
  }
  if (auto* out = std::get_if<std::vector<double>*>(&field.value)) {
    return convert_list(field, node, parse_double, *out);
  }
  auto* out = std::get<std::vector<std::string>*>(field.value);
  return convert_list(field, node, parse_string, out);
}

// --- Visitors. ---

// Collects every key path (fields and sections).
class KeyCollector : public PathTrackingVisitor {
 public:
  std::vector<std::string> keys;

 protected:
  void on_field(const FieldInfo& field) override { keys.push_back(path_of(field.name)); }
  void on_section_begin(absl::string_view name, absl::string_view doc) override {
    keys.push_back(path_of(name));
    PathTrackingVisitor::on_section_begin(name, doc);
  }
};

// Applies one YAML mapping to the config; records origins and errors.
class YamlApplier : public PathTrackingVisitor {
 public:
  YamlApplier(const YAML::Node& root, YamlSource source, const std::vector<std::string>* valid_keys,
              Origins* origins, std::vector<std::string>* errors)
      : source_(std::move(source)), valid_keys_(valid_keys), origins_(origins), errors_(errors) {
    levels_.push_back({root, {std::string(kBaseKey)}});
  }

  // Reports the keys of the top-level mapping that no field or section used.
  void finish() { report_unused(levels_.back()); }

 protected:
  void on_field(const FieldInfo& field) override {
    const std::optional<YAML::Node> value = lookup(field.name);
    if (!value) return;
    const std::string path = path_of(field.name);
    const absl::Status status = convert(field, *value);
    if (!status.ok()) {
      error(*value, absl::StrCat("`", path, "`: ", status.message()));
      return;
    }
    (*origins_)[path] = yaml_where(source_, *value);
  }

  void on_section_begin(absl::string_view name, absl::string_view doc) override {
    std::optional<YAML::Node> value = lookup(name);
    const std::string path = path_of(name);
    PathTrackingVisitor::on_section_begin(name, doc);
    if (value && !value->IsMap() && !value->IsNull()) {
      error(*value, absl::StrCat("`", path, "` is a section: expected a mapping of its keys, got ",
                                 yaml_scalar_text(*value)));
      value.reset();
    }
    levels_.push_back({value && value->IsMap() ? *value : YAML::Node(), {}});
  }

  void on_section_end() override {
    report_unused(levels_.back());
    levels_.pop_back();
    PathTrackingVisitor::on_section_end();
  }

 private:
  struct Level {
    YAML::Node map;  // undefined or null when this section is absent from the YAML
    absl::flat_hash_set<std::string> used;
  };

  // The value of key `name` in the current mapping, marked as used; nullopt when absent.
  std::optional<YAML::Node> lookup(absl::string_view name) {
    Level& level = levels_.back();
    if (!level.map.IsMap()) return std::nullopt;
    for (const auto& entry : level.map) {
      if (entry.first.IsScalar() && entry.first.Scalar() == name) {
        level.used.insert(std::string(name));
        return entry.second;
      }
    }
    return std::nullopt;
  }

  void report_unused(const Level& level) {
    if (!level.map.IsMap()) return;
    for (const auto& entry : level.map) {
      const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      if (level.used.contains(name)) continue;
      const std::string path = path_of(name);
      error(entry.first, absl::StrCat("unknown key `", path, "`; did you mean `",
                                      nearest_key(path, *valid_keys_), "`?"));
    }
  }

  void error(const YAML::Node& node, absl::string_view message) {
    errors_->push_back(absl::StrCat(yaml_where(source_, node), ": ", message));
  }

  YamlSource source_;
  const std::vector<std::string>* valid_keys_;
  Origins* origins_;
  std::vector<std::string>* errors_;
  std::vector<Level> levels_;
};

// Checks each numeric field (and list element) against its range.
class RangeChecker : public PathTrackingVisitor {
 public:
  RangeChecker(const Origins* origins, std::vector<std::string>* errors)
      : origins_(origins), errors_(errors) {}

 protected:
  void on_field(const FieldInfo& field) override {
    if (const auto* value = std::get_if<int64_t*>(&field.value)) {
      check(field, static_cast<double>(**value), absl::StrCat(**value));
    } else if (const auto* value = std::get_if<double*>(&field.value)) {
      check(field, **value, absl::StrCat(**value));
    } else if (const auto* values = std::get_if<std::vector<int64_t>*>(&field.value)) {
      for (int64_t v : **values) check(field, static_cast<double>(v), absl::StrCat(v));
    } else if (const auto* values = std::get_if<std::vector<double>*>(&field.value)) {
      for (double v : **values) check(field, v, absl::StrCat(v));
    }
  }

 private:
  void check(const FieldInfo& field, double value, const std::string& text) {
    if (field.range.contains(value)) return;
    const std::string path = path_of(field.name);
    const auto origin = origins_->find(path);
    const std::string where = origin == origins_->end() ? "default" : origin->second;
    errors_->push_back(absl::StrCat(where, ": `", path, "` = ", text,
                                    " is out of range: it must be ", field.range.describe()));
  }

  const Origins* origins_;
  std::vector<std::string>* errors_;
};

// --- Sources. ---

absl::Status errors_to_status(const std::vector<std::string>& errors) {
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
}

// Applies a parsed YAML document (a mapping, or empty) to the config.
void apply_node(const YAML::Node& node, const YamlSource& source, const ConfigRoot& root,
                const std::vector<std::string>& valid_keys, Origins* origins,
                std::vector<std::string>* errors) {
  if (node.IsNull() || !node.IsDefined()) return;
  if (!node.IsMap()) {
    errors->push_back(
        absl::StrCat(yaml_where(source, node),
                     ": a config must be a mapping of keys (`section:` / `key: value`)"));
    return;
  }
  YamlApplier applier(node, source, &valid_keys, origins, errors);
  root(applier);
  applier.finish();
}

// The files named by a document's `base:` key (a string or a list), relative to `dir`.
absl::StatusOr<std::vector<fs::path>> base_files(const YAML::Node& doc, const fs::path& dir,
                                                 const YamlSource& source) {
  std::vector<fs::path> bases;
  if (!doc.IsMap() || !doc[std::string(kBaseKey)]) return bases;
  const YAML::Node node = doc[std::string(kBaseKey)];
  auto add = [&](const YAML::Node& item) -> absl::Status {
    if (!item.IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat(
          yaml_where(source, item), ": `base` must be a file path or a list of file paths"));
    }
    bases.push_back(dir / item.Scalar());
    return absl::OkStatus();
  };
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) TERSE_RETURN_IF_ERROR(add(item));
  } else {
    TERSE_RETURN_IF_ERROR(add(node));
  }
  return bases;
}

// Applies a file after the base files it names; `chain` holds the files being loaded.
absl::Status apply_file(const fs::path& path, std::vector<fs::path>* chain, const ConfigRoot& root,
                        const std::vector<std::string>& valid_keys, Origins* origins,
                        std::vector<std::string>* errors) {
  std::error_code error;
  fs::path normal = fs::weakly_canonical(path, error);
  if (error) normal = path.lexically_normal();  // e.g. a name too long: reading it reports that
  if (std::find(chain->begin(), chain->end(), normal) != chain->end() ||
      chain->size() >= kMaxBaseDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.string(), ": `base` files form a cycle (or a chain deeper than ", kMaxBaseDepth,
        "): ", absl::StrJoin(*chain, " -> ", [](std::string* out, const fs::path& p) {
          out->append(p.string());
        })));
  }
  TERSE_ASSIGN_OR_RETURN(const std::string text, read_config_file(path));
  const YamlSource source{path.string(), true};
  TERSE_ASSIGN_OR_RETURN(const YAML::Node doc, parse_yaml(text, source));
  TERSE_ASSIGN_OR_RETURN(const std::vector<fs::path> bases,
                         base_files(doc, path.parent_path(), source));
  chain->push_back(normal);
  for (const fs::path& base : bases) {
    TERSE_RETURN_IF_ERROR(apply_file(base, chain, root, valid_keys, origins, errors));
  }
  chain->pop_back();
  apply_node(doc, source, root, valid_keys, origins, errors);
  return absl::OkStatus();
}

// Turns `a.b.c=value` into the YAML document {a: {b: {c: value}}}.
absl::StatusOr<YAML::Node> override_to_node(absl::string_view override_text) {
  const size_t eq = override_text.find('=');
  const std::string quoted = absl::StrCat("override `", override_text, "`");
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(quoted, " has no `=`: write it as key.path=value"));
  }
  const absl::string_view key = override_text.substr(0, eq);
  const absl::string_view value_text = override_text.substr(eq + 1);
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(quoted, " has no key path before `=`: write it as key.path=value"));
  }
  if (value_text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        quoted, " has no value after `=` (write key.path=value; quote an empty string: ''"));
  }
  const std::vector<std::string> segments = absl::StrSplit(key, '.');
  for (const std::string& segment : segments) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(quoted, ": the key path `", key, "` has an empty segment"));
    }
  }
  TERSE_ASSIGN_OR_RETURN(YAML::Node value, parse_yaml(value_text, YamlSource{quoted, false}));
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = value;
    value = parent;
  }
  return value;
}

}  // namespace

absl::StatusOr<ConfigSources> split_config_args(const std::vector<std::string>& args) {
  ConfigSources sources;
  for (const std::string& arg : args) {
    if (arg.find('=') != std::string::npos) {
      sources.overrides.push_back(arg);
    } else if (absl::EndsWith(arg, ".yaml") || absl::EndsWith(arg, ".yml")) {
      sources.files.push_back(arg);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("`", arg,
                       "` is neither a config file (*.yaml) nor an override: write overrides as "
                       "key.path=value, e.g. trainer.lr=1e-5"));
    }
  }
  return sources;
}

absl::Status apply_config_sources(const ConfigSources& sources, const ConfigRoot& root) {
  const std::vector<std::string> valid_keys = config_key_paths(root);
  Origins origins;
  std::vector<std::string> errors;
  for (const std::string& file : sources.files) {
    std::vector<fs::path> chain;
    const absl::Status status = apply_file(file, &chain, root, valid_keys, &origins, &errors);
    if (!status.ok()) return status;  // unreadable or unparsable: nothing more to say
  }
  for (const std::string& override_text : sources.overrides) {
    const auto node = override_to_node(override_text);
    if (!node.ok()) {
      errors.emplace_back(node.status().message());
      continue;
    }
    const YamlSource source{absl::StrCat("override `", override_text, "`"), false};
    apply_node(*node, source, root, valid_keys, &origins, &errors);
  }
  if (errors.empty()) {
    RangeChecker checker(&origins, &errors);
    root(checker);
  }
  return errors_to_status(errors);
}

absl::Status apply_config_yaml(absl::string_view yaml_text, absl::string_view source_name,
                               const ConfigRoot& root) {
  const YamlSource source{std::string(source_name), true};
  TERSE_ASSIGN_OR_RETURN(const YAML::Node doc, parse_yaml(yaml_text, source));
  const std::vector<std::string> valid_keys = config_key_paths(root);
  Origins origins;
  std::vector<std::string> errors;
  apply_node(doc, source, root, valid_keys, &origins, &errors);
  if (errors.empty()) {
    RangeChecker checker(&origins, &errors);
    root(checker);
  }
  return errors_to_status(errors);
}

std::vector<std::string> config_key_paths(const ConfigRoot& root) {
  KeyCollector collector;
  root(collector);
  return collector.keys;
}

namespace {

size_t edit_distance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

absl::string_view last_segment(absl::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == absl::string_view::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::string nearest_key(absl::string_view key, const std::vector<std::string>& valid_keys) {
  std::string best;
  size_t best_score = SIZE_MAX;
  for (const std::string& candidate : valid_keys) {
    // A key put in the wrong section (`lr` for `trainer.lr`) is the likeliest slip.
    const bool same_leaf = last_segment(candidate) == last_segment(key);
    const size_t score = same_leaf ? 0 : edit_distance(key, candidate) + 1;
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

}  // namespace terse
