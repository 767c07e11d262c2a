#include "app/sweep_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/config_loader.h"
#include "core/status.h"
#include "core/yaml_source.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {"base",   "command", "grid",     "zip",
                                                "random", "name",    "parallel", "out"};
  return keys;
}

// Significant digits of a random real value: short names, and the value in a run's name is
// the value it ran with.
constexpr int kRandomDigits = 4;

// One axis: the keys it sets and its points, each giving every key a value.
struct Axis {
  std::vector<const YAML::Node*> key_nodes;  // for positions in messages
  std::vector<std::vector<SweepValue>> points;
};

// A draw from a `random` entry: a range or a list of choices.
struct RandomKey {
  std::string key;
  double min = 0, max = 0;
  bool log = false, integer = false;
  std::vector<SweepValue> choices;  // when not empty, draw one of these
};

std::string emit_flow(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

// Letters, digits and `._-+=` stay; anything else in a run name becomes `_`.
std::string safe_name(absl::string_view text) {
  std::string name(text);
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string("._-+=").find(c) == std::string::npos) {
      c = '_';
    }
  }
  return name;
}

std::string shortest_double(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// A uniform draw in [0, 1) from the 53 high bits (std::mt19937_64's output is fixed by the
// standard; the library's distributions are not).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

class SweepParser {
 public:
  explicit SweepParser(const fs::path& path) : source_{path.string(), true}, path_(path) {}

  absl::StatusOr<SweepSpec> parse(const YAML::Node& doc) {
    if (!doc.IsMap()) {
      return error(doc,
                   "a sweep file must be a mapping with `base`, an axis (`grid`, `zip` or "
                   "`random`) and optionally `command`, `name`, `parallel`, `out`");
    }
    spec_.file = path_;
    spec_.out = fs::path("runs") / "sweeps" / path_.stem();
    for (const auto& entry : doc) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const YAML::Node& value = entry.second;
      if (key == "base") {
        TERSE_RETURN_IF_ERROR(parse_base(value));
      } else if (key == "command") {
        TERSE_ASSIGN_OR_RETURN(spec_.command, text_of(value, "command"));
        spec_.command_where = yaml_where(source_, value);
      } else if (key == "grid") {
        TERSE_RETURN_IF_ERROR(parse_grid(value));
      } else if (key == "zip") {
        TERSE_RETURN_IF_ERROR(parse_zip(value));
      } else if (key == "random") {
        TERSE_RETURN_IF_ERROR(parse_random(value));
      } else if (key == "name") {
        TERSE_ASSIGN_OR_RETURN(name_template_, text_of(value, "name"));
        name_where_ = yaml_where(source_, value);
      } else if (key == "parallel") {
        TERSE_ASSIGN_OR_RETURN(spec_.parallel, positive_int(value, "parallel"));
      } else if (key == "out") {
        TERSE_ASSIGN_OR_RETURN(const std::string out, text_of(value, "out"));
        spec_.out = out;
      } else {
        return error(entry.first, absl::StrCat("unknown key `", key, "`; did you mean `",
                                               nearest_key(key, top_level_keys()), "`?"));
      }
    }
    if (axes_.empty()) {
      return error(doc, "the sweep has no axis: add `grid`, `zip` or `random`");
    }
    TERSE_RETURN_IF_ERROR(expand());
    return std::move(spec_);
  }

 private:
  absl::Status error(const YAML::Node& node, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(yaml_where(source_, node), ": ", message));
  }

  absl::StatusOr<std::string> text_of(const YAML::Node& node, absl::string_view what) const {
    if (!node.IsScalar() || node.Scalar().empty()) {
      return error(node,
                   absl::StrCat("`", what, "`: expected a string, got ", yaml_scalar_text(node)));
    }
    return node.Scalar();
  }

  absl::StatusOr<int64_t> integer_of(const YAML::Node& node, absl::string_view what) const {
    int64_t value = 0;
    if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &value)) {
      return error(node,
                   absl::StrCat("`", what, "`: expected an integer, got ", yaml_scalar_text(node)));
    }
    return value;
  }

  absl::StatusOr<int64_t> positive_int(const YAML::Node& node, absl::string_view what) const {
    TERSE_ASSIGN_OR_RETURN(const int64_t value, integer_of(node, what));
    if (value < 1) return error(node, absl::StrCat("`", what, "` = ", value, " must be >= 1"));
    return value;
  }

  absl::StatusOr<double> number_of(const YAML::Node& node, absl::string_view what) const {
    double value = 0;
    if (!node.IsScalar() || !absl::SimpleAtod(node.Scalar(), &value) || !std::isfinite(value)) {
      return error(node,
                   absl::StrCat("`", what, "`: expected a number, got ", yaml_scalar_text(node)));
    }
    return value;
  }

  absl::StatusOr<bool> bool_of(const YAML::Node& node, absl::string_view what) const {
    const std::string lower = node.IsScalar() ? absl::AsciiStrToLower(node.Scalar()) : "";
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
    return error(
        node, absl::StrCat("`", what, "`: expected true or false, got ", yaml_scalar_text(node)));
  }

  // `base`: a config file or override, or a list of them.
  absl::Status parse_base(const YAML::Node& node) {
    std::vector<YAML::Node> items;
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) items.push_back(item);
    } else {
      items.push_back(node);
    }
    for (const YAML::Node& item : items) {
      TERSE_ASSIGN_OR_RETURN(const std::string word, text_of(item, "base"));
      auto sources = split_config_args({word});
      if (!sources.ok()) return error(item, sources.status().message());
      for (const std::string& file : sources->files) {
        const fs::path relative =
            fs::path(file).is_absolute() ? fs::path(file) : path_.parent_path() / file;
        spec_.base_files.push_back(relative.lexically_normal().string());
      }
      for (std::string& o : sources->overrides) spec_.base_overrides.push_back(std::move(o));
    }
    return absl::OkStatus();
  }

  // Registers an axis key: a dotted path not used by another axis.
  absl::Status add_key(const YAML::Node& node) {
    const std::string key = node.IsScalar() ? node.Scalar() : "";
    const std::vector<absl::string_view> segments = absl::StrSplit(key, '.');
    const bool empty_segment = std::any_of(segments.begin(), segments.end(),
                                           [](absl::string_view s) { return s.empty(); });
    if (key.empty() || empty_segment) {
      return error(node, absl::StrCat("expected a config key path such as `trainer.lr`, got ",
                                      yaml_scalar_text(node)));
    }
    for (const SweepKey& seen : spec_.keys) {
      if (seen.path == key) {
        return error(node, absl::StrCat("`", key, "` is already an axis at ", seen.where,
                                        "; a key can be on one axis only"));
      }
    }
    spec_.keys.push_back({key, yaml_where(source_, node)});
    return absl::OkStatus();
  }

  absl::StatusOr<SweepValue> value_of(const std::string& key, const YAML::Node& node) const {
    const bool scalar_list =
        node.IsSequence() && std::all_of(node.begin(), node.end(),
                                         [](const YAML::Node& item) { return item.IsScalar(); });
    if (!node.IsScalar() && !scalar_list) {
      return error(node, absl::StrCat("`", key,
                                      "`: a value must be a scalar or a list of "
                                      "scalars, got ",
                                      yaml_scalar_text(node)));
    }
    const std::string yaml = emit_flow(node);
    return SweepValue{key, yaml, node.IsScalar() ? node.Scalar() : yaml};
  }

  // The values listed for `key`: a non-empty list.
  absl::StatusOr<std::vector<SweepValue>> list_of(const YAML::Node& key_node,
                                                  const YAML::Node& node) const {
    const std::string key = key_node.Scalar();
    if (!node.IsSequence() || node.size() == 0) {
      return error(node, absl::StrCat("`", key, "`: expected a non-empty list of values, got ",
                                      yaml_scalar_text(node)));
    }
    std::vector<SweepValue> values;
    for (const YAML::Node& item : node) {
      TERSE_ASSIGN_OR_RETURN(SweepValue value, value_of(key, item));
      values.push_back(std::move(value));
    }
    return values;
  }

  absl::Status expect_map(const YAML::Node& node, absl::string_view what,
                          absl::string_view shape) const {
    if (node.IsMap() && node.size() > 0) return absl::OkStatus();
    return error(node, absl::StrCat("`", what, "`: expected a mapping of ", shape, ", got ",
                                    yaml_scalar_text(node)));
  }

  absl::Status parse_grid(const YAML::Node& node) {
    TERSE_RETURN_IF_ERROR(expect_map(node, "grid", "key paths to lists of values"));
    for (const auto& entry : node) {
      TERSE_RETURN_IF_ERROR(add_key(entry.first));
      TERSE_ASSIGN_OR_RETURN(const std::vector<SweepValue> values,
                             list_of(entry.first, entry.second));
      Axis axis;
      for (const SweepValue& value : values) axis.points.push_back({value});
      axes_.push_back(std::move(axis));
    }
    return absl::OkStatus();
  }

  // `zip`: one mapping of key paths to equally long lists, or a list of such mappings.
  absl::Status parse_zip(const YAML::Node& node) {
    if (node.IsSequence() && node.size() > 0) {
      for (const YAML::Node& group : node) TERSE_RETURN_IF_ERROR(parse_zip_group(group));
      return absl::OkStatus();
    }
    return parse_zip_group(node);
  }

  absl::Status parse_zip_group(const YAML::Node& node) {
    TERSE_RETURN_IF_ERROR(expect_map(node, "zip", "key paths to equally long lists"));
    Axis axis;
    std::string first_key;
    for (const auto& entry : node) {
      TERSE_RETURN_IF_ERROR(add_key(entry.first));
      TERSE_ASSIGN_OR_RETURN(const std::vector<SweepValue> values,
                             list_of(entry.first, entry.second));
      if (axis.points.empty()) {
        first_key = entry.first.Scalar();
        axis.points.resize(values.size());
      } else if (values.size() != axis.points.size()) {
        return error(entry.second,
                     absl::StrCat("`zip`: `", entry.first.Scalar(), "` has ", values.size(),
                                  " values but `", first_key, "` has ", axis.points.size(),
                                  "; zipped lists must be equally long"));
      }
      for (size_t i = 0; i < values.size(); ++i) axis.points[i].push_back(values[i]);
    }
    axes_.push_back(std::move(axis));
    return absl::OkStatus();
  }

  absl::Status parse_random(const YAML::Node& node) {
    TERSE_RETURN_IF_ERROR(
        expect_map(node, "random", "`samples`, `seed` and key paths to {min, max} or {choices}"));
    int64_t samples = 0;
    int64_t seed = 0;
    std::vector<RandomKey> keys;
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (key == "samples") {
        TERSE_ASSIGN_OR_RETURN(samples, positive_int(entry.second, "random.samples"));
      } else if (key == "seed") {
        TERSE_ASSIGN_OR_RETURN(seed, integer_of(entry.second, "random.seed"));
      } else {
        TERSE_RETURN_IF_ERROR(add_key(entry.first));
        TERSE_ASSIGN_OR_RETURN(RandomKey random, parse_random_key(key, entry.second));
        keys.push_back(std::move(random));
      }
    }
    if (samples == 0) return error(node, "`random` needs `samples: N`, the number of draws");
    if (keys.empty()) return error(node, "`random` has no key paths to draw values for");
    std::mt19937_64 rng(static_cast<uint64_t>(seed));
    Axis axis;
    for (int64_t s = 0; s < samples; ++s) {
      std::vector<SweepValue> point;
      for (const RandomKey& key : keys) point.push_back(draw(key, rng));
      axis.points.push_back(std::move(point));
    }
    axes_.push_back(std::move(axis));
    return absl::OkStatus();
  }

  absl::StatusOr<RandomKey> parse_random_key(const std::string& key, const YAML::Node& node) {
    TERSE_RETURN_IF_ERROR(expect_map(node, key, "{min, max, log, integer} or {choices}"));
    RandomKey random;
    random.key = key;
    const YAML::Node* min_node = nullptr;
    const YAML::Node* max_node = nullptr;
    for (const auto& entry : node) {
      const std::string field = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const std::string what = absl::StrCat(key, ".", field);
      if (field == "min") {
        TERSE_ASSIGN_OR_RETURN(random.min, number_of(entry.second, what));
        min_node = &entry.second;
      } else if (field == "max") {
        TERSE_ASSIGN_OR_RETURN(random.max, number_of(entry.second, what));
        max_node = &entry.second;
      } else if (field == "log") {
        TERSE_ASSIGN_OR_RETURN(random.log, bool_of(entry.second, what));
      } else if (field == "integer") {
        TERSE_ASSIGN_OR_RETURN(random.integer, bool_of(entry.second, what));
      } else if (field == "choices") {
        TERSE_ASSIGN_OR_RETURN(random.choices, list_of(YAML::Node(key), entry.second));
      } else {
        return error(
            entry.first,
            absl::StrCat("unknown key `", field, "` in `", key, "`; did you mean `",
                         nearest_key(field, {"min", "max", "log", "integer", "choices"}), "`?"));
      }
    }
    if (!random.choices.empty()) {
      if (min_node || max_node) {
        return error(node, absl::StrCat("`", key, "`: give either `choices` or `min` and `max`"));
      }
      return random;
    }
    if (!min_node || !max_node) {
      return error(node, absl::StrCat("`", key, "`: expected `min` and `max`, or `choices`"));
    }
    if (random.max < random.min) {
      return error(*max_node, absl::StrCat("`", key, "`: `max` (", random.max, ") is below `min` (",
                                           random.min, ")"));
    }
    if (random.log && random.min <= 0) {
      return error(*min_node,
                   absl::StrCat("`", key, "`: `log: true` needs `min` > 0, got ", random.min));
    }
    if (random.integer &&
        (random.min != std::floor(random.min) || random.max != std::floor(random.max))) {
      return error(node, absl::StrCat("`", key, "`: `integer: true` needs whole `min` and `max`"));
    }
    return random;
  }

  static SweepValue draw(const RandomKey& key, std::mt19937_64& rng) {
    const double u = uniform(rng);
    if (!key.choices.empty()) {
      const size_t index = std::min(
          key.choices.size() - 1, static_cast<size_t>(u * static_cast<double>(key.choices.size())));
      return key.choices[index];
    }
    std::string text;
    if (key.integer) {
      // Integers in [min, max], each equally likely (or, with log, log-uniformly spread).
      const double hi = key.max + 1;
      const double v = key.log
                           ? std::exp(std::log(key.min) + u * (std::log(hi) - std::log(key.min)))
                           : key.min + u * (hi - key.min);
      text = absl::StrCat(static_cast<int64_t>(std::min(std::floor(v), key.max)));
    } else {
      const double v =
          key.log ? std::exp(std::log(key.min) + u * (std::log(key.max) - std::log(key.min)))
                  : key.min + u * (key.max - key.min);
      text = absl::StrFormat("%.*g", kRandomDigits, v);
      double rounded = 0;
      if (!absl::SimpleAtod(text, &rounded) || rounded < key.min || rounded > key.max) {
        text = shortest_double(v);  // rounding would leave the range
      }
    }
    return SweepValue{key.key, text, text};
  }

  // The cartesian product of the axes, the first outermost, with each run's name.
  absl::Status expand() {
    std::vector<size_t> index(axes_.size(), 0);
    absl::flat_hash_map<std::string, size_t> names;
    while (true) {
      SweepRun run;
      for (size_t a = 0; a < axes_.size(); ++a) {
        const std::vector<SweepValue>& point = axes_[a].points[index[a]];
        run.values.insert(run.values.end(), point.begin(), point.end());
      }
      TERSE_ASSIGN_OR_RETURN(run.name, name_of(run));
      const auto [seen, added] = names.emplace(run.name, spec_.runs.size());
      if (!added) {
        return absl::InvalidArgumentError(
            absl::StrCat(name_where_.empty() ? source_.name : name_where_, ": runs ",
                         seen->second + 1, " and ", spec_.runs.size() + 1, " are both named `",
                         run.name, "`: put the axis keys that tell them apart in `name`"));
      }
      spec_.runs.push_back(std::move(run));
      size_t a = axes_.size();
      while (a > 0 && ++index[a - 1] == axes_[a - 1].points.size()) index[--a] = 0;
      if (a == 0) return absl::OkStatus();
    }
  }

  absl::StatusOr<std::string> name_of(const SweepRun& run) const {
    std::string name;
    if (name_template_.empty()) {
      std::vector<std::string> parts;
      for (const SweepValue& value : run.values) {
        parts.push_back(absl::StrCat(label_of(value.key), "-", value.text));
      }
      name = safe_name(absl::StrJoin(parts, "_"));
    } else {
      TERSE_ASSIGN_OR_RETURN(name, fill_template(run));
    }
    if (name == "." || name == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat(name_where_, ": the run name `", name, "` is not a directory name"));
    }
    return name;
  }

  // The last segment of `key`, or the whole path when another axis key ends the same way.
  std::string label_of(const std::string& key) const {
    const std::string leaf = key.substr(key.rfind('.') + 1);
    for (const SweepKey& other : spec_.keys) {
      if (other.path != key && other.path.substr(other.path.rfind('.') + 1) == leaf) return key;
    }
    return leaf;
  }

  absl::StatusOr<std::string> fill_template(const SweepRun& run) const {
    std::string out;
    size_t at = 0;
    while (at < name_template_.size()) {
      const size_t open = name_template_.find('{', at);
      if (open == std::string::npos) {
        out += name_template_.substr(at);
        break;
      }
      out += name_template_.substr(at, open - at);
      const size_t close = name_template_.find('}', open);
      if (close == std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(name_where_, ": `name` has a `{` without its `}`"));
      }
      const std::string key = name_template_.substr(open + 1, close - open - 1);
      const auto value = std::find_if(run.values.begin(), run.values.end(),
                                      [&](const SweepValue& v) { return v.key == key; });
      if (value == run.values.end()) {
        std::vector<std::string> keys;
        for (const SweepKey& k : spec_.keys) keys.push_back(k.path);
        return absl::InvalidArgumentError(absl::StrCat(
            name_where_, ": `name` refers to `{", key,
            "}`, which is not an axis key; did you mean `{", nearest_key(key, keys), "}`?"));
      }
      out += value->text;
      at = close + 1;
    }
    return safe_name(out);
  }

  YamlSource source_;
  fs::path path_;
  SweepSpec spec_;
  std::vector<Axis> axes_;
  std::string name_template_;
  std::string name_where_;
};

}  // namespace

std::vector<std::string> SweepRun::overrides() const {
  std::vector<std::string> out;
  for (const SweepValue& value : values) out.push_back(absl::StrCat(value.key, "=", value.yaml));
  return out;
}

absl::StatusOr<SweepSpec> parse_sweep_spec(absl::string_view text, const fs::path& path) {
  const YamlSource source{path.string(), true};
  TERSE_ASSIGN_OR_RETURN(const YAML::Node doc, parse_yaml(text, source));
  return SweepParser(path).parse(doc);
}

absl::StatusOr<SweepSpec> load_sweep_spec(const fs::path& path) {
  auto text = read_config_file(path);
  if (!text.ok() && absl::IsNotFound(text.status())) {
    return absl::NotFoundError(absl::StrCat("sweep file `", path.string(), "` does not exist"));
  }
  TERSE_RETURN_IF_ERROR(text.status());
  return parse_sweep_spec(*text, path);
}

absl::Status check_sweep_keys(const SweepSpec& spec, const std::vector<std::string>& valid_keys) {
  std::vector<std::string> errors;
  for (const SweepKey& key : spec.keys) {
    if (std::find(valid_keys.begin(), valid_keys.end(), key.path) != valid_keys.end()) continue;
    errors.push_back(absl::StrCat(key.where, ": unknown key `", key.path, "`; did you mean `",
                                  nearest_key(key.path, valid_keys), "`?"));
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
}

}  // namespace terse
