// The schema side of terse's configs. Each component owns a typed config struct whose
// `void visit(ConfigVisitor& v)` names every field once, with its documentation and allowed
// range; the default is the member's initialiser. Readers, writers, validators and the key
// documentation are visitors, so a field is declared in exactly one place:
//
//   struct OptimizerConfig {
//     double lr = 1e-5;  // peak learning rate
//     void visit(ConfigVisitor& v) {
//       v.field("lr", lr, "Peak learning rate of AdamW.", Range::above(0));
//     }
//   };
//
// Nothing here reads files: see core/config_loader.h for YAML and overrides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace terse {

// The closed interval (or half-open, with `min_exclusive`) a numeric field may take.
struct Range {
  std::optional<double> min;
  std::optional<double> max;
  bool min_exclusive = false;

  static Range at_least(double lo) { return Range{lo, std::nullopt, false}; }
  static Range above(double lo) { return Range{lo, std::nullopt, true}; }
  static Range between(double lo, double hi) { return Range{lo, hi, false}; }
  static Range above_up_to(double lo, double hi) { return Range{lo, hi, true}; }

  bool contains(double value) const;
  // Human text such as "> 0", ">= 2" or "in [0, 1]"; empty when unbounded.
  std::string describe() const;
};

// A pointer to one field's storage, whichever of the supported types it has.
using FieldValue = std::variant<bool*, int64_t*, double*, std::string*, std::vector<int64_t>*,
                                std::vector<double>*, std::vector<std::string>*>;

// Everything a visitor learns about one field.
struct FieldInfo {
  absl::string_view name;
  absl::string_view doc;
  FieldValue value;
  Range range;                       // numeric fields and numeric list elements
  std::vector<std::string> choices;  // non-empty for enumerations (stored as text)
};

// Maps an enum's values to their config spellings, e.g. {{"grpo", Algorithm::kGrpo}, ...}.
template <class E>
using EnumNames = std::vector<std::pair<std::string, E>>;

// Walks a config struct. Subclasses see fields through OnField and nesting through
// OnSectionBegin/OnSectionEnd; config structs call Field/Enum/Section.
class ConfigVisitor {
 public:
  virtual ~ConfigVisitor() = default;

  void field(absl::string_view name, bool& value, absl::string_view doc) {
    on_field({name, doc, &value, {}, {}});
  }
  void field(absl::string_view name, int64_t& value, absl::string_view doc, Range range = {}) {
    on_field({name, doc, &value, range, {}});
  }
  void field(absl::string_view name, double& value, absl::string_view doc, Range range = {}) {
    on_field({name, doc, &value, range, {}});
  }
  void field(absl::string_view name, std::string& value, absl::string_view doc) {
    on_field({name, doc, &value, {}, {}});
  }
  void field(absl::string_view name, std::vector<int64_t>& value, absl::string_view doc,
             Range range = {}) {
    on_field({name, doc, &value, range, {}});
  }
  void field(absl::string_view name, std::vector<double>& value, absl::string_view doc,
             Range range = {}) {
    on_field({name, doc, &value, range, {}});
  }
  void field(absl::string_view name, std::vector<std::string>& value, absl::string_view doc) {
    on_field({name, doc, &value, {}, {}});
  }

  // A string field restricted to `choices`.
  void choice(absl::string_view name, std::string& value, std::vector<std::string> choices,
              absl::string_view doc) {
    on_field({name, doc, &value, {}, std::move(choices)});
  }

  // An enum field, spelled in configs by the names in `names`.
  template <class E>
  void enum_field(absl::string_view name, E& value, const EnumNames<E>& names,
                  absl::string_view doc) {
    std::string text;
    std::vector<std::string> choices;
    for (const auto& [spelling, option] : names) {
      choices.push_back(spelling);
      if (option == value) text = spelling;
    }
    on_field({name, doc, &text, {}, std::move(choices)});
    for (const auto& [spelling, option] : names) {
      if (spelling == text) value = option;
    }
  }

  // A nested struct with its own Visit method.
  template <class T>
  void section(absl::string_view name, T& section, absl::string_view doc) {
    on_section_begin(name, doc);
    section.visit(*this);
    on_section_end();
  }

 protected:
  virtual void on_field(const FieldInfo& field) = 0;
  virtual void on_section_begin(absl::string_view name, absl::string_view doc) = 0;
  virtual void on_section_end() = 0;
};

// A visitor that keeps the dotted path of the section it is in.
class PathTrackingVisitor : public ConfigVisitor {
 protected:
  void on_section_begin(absl::string_view name, absl::string_view doc) override;
  void on_section_end() override;
  // "trainer.lr" for field `lr` inside section `trainer`.
  std::string path_of(absl::string_view name) const;
  const std::vector<std::string>& sections() const { return sections_; }

 private:
  std::vector<std::string> sections_;
};

// The name of a field's type as the error messages and key listing spell it.
std::string type_name(const FieldInfo& field);

}  // namespace terse
