#include "core/yaml_source.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/utf8.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// Config files larger than this are refused before parsing: no real config comes close.
constexpr std::uintmax_t kMaxConfigBytes = 4 << 20;

}  // namespace

std::string yaml_where(const YamlSource& source, const YAML::Node& node) {
  if (!source.has_marks || !node.IsDefined()) return source.name;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return source.name;
  return absl::StrCat(source.name, ":", mark.line + 1, ":", mark.column + 1);
}

std::string yaml_scalar_text(const YAML::Node& node) {
  if (node.IsNull()) return "nothing";
  if (node.IsScalar() && !utf8_is_valid(node.Scalar())) return "text that is not valid UTF-8";
  if (node.IsScalar()) return absl::StrCat("`", node.Scalar(), "`");
  if (node.IsSequence()) return "a list";
  return "a mapping";
}

absl::StatusOr<YAML::Node> parse_yaml(absl::string_view text, const YamlSource& source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where = source.name;
    if (source.has_marks && !e.mark.is_null()) {
      absl::StrAppend(&where, ":", e.mark.line + 1, ":", e.mark.column + 1);
    }
    return absl::InvalidArgumentError(absl::StrCat(where, ": malformed YAML: ", e.msg));
  }
}

absl::StatusOr<std::string> read_config_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat("config file `", path.string(),
                                            "` does not exist (or is not a regular file)"));
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size > kMaxConfigBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path.string(), ": config file is ", size,
                                                   " bytes; the limit is ", kMaxConfigBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return absl::InternalError(absl::StrCat("could not read `", path.string(), "`"));
  return text.str();
}

}  // namespace terse
