#include "data/jsonl_dataset.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"
#include "core/utf8.h"
#include "data/line_reader.h"

namespace terse {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxReportedErrors = 20;
constexpr char kGsm8kMarker[] = "####";

// Whether `text` reads as a number: a sign, digits (commas allowed between them), an optional
// decimal part, or a fraction of two such integers.
bool looks_numeric(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  auto digits = [&](bool allow_commas) {
    const size_t begin = i;
    while (i < text.size() &&
           (absl::ascii_isdigit(text[i]) || (allow_commas && text[i] == ',' && i > begin))) {
      ++i;
    }
    return i > begin && text[i - 1] != ',';
  };
  if (!digits(true)) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits(false)) return false;
  } else if (i < text.size() && text[i] == '/') {
    ++i;
    if (!digits(true)) return false;
  }
  return i == text.size();
}

const char* json_type(const Json& value) { return value.type_name(); }

// The string in `field` of `record`, or an error naming the field and the config key.
absl::StatusOr<std::string> string_field(const Json& record, const std::string& field,
                                         absl::string_view key) {
  const auto it = record.find(field);
  if (it == record.end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing field \"", field, "\" (", key, ")"));
  }
  if (!it->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("field \"", field, "\" must be a string, not ",
                                                   json_type(*it), " (", key, ")"));
  }
  return it->get<std::string>();
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, "
// prefix.
std::string json_error_detail(const Json::exception& e) {
  std::string what = e.what();
  const size_t detail = what.find(": ");
  return detail == std::string::npos ? what : what.substr(detail + 2);
}

// The problem one well-formed JSON line describes, or what is wrong with it.
absl::StatusOr<Problem> parse_record(const std::string& text, const JsonlConfig& config) {
  if (const std::optional<size_t> bad = utf8_first_invalid(text)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid UTF-8 at byte ", *bad + 1));
  }
  Json record;
  try {
    record = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at column ", e.byte, ": ", json_error_detail(e)));
  } catch (const Json::out_of_range& e) {  // a number like 1e999999
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", json_error_detail(e)));
  }
  if (!record.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a JSON object, got ", json_type(record)));
  }
  Problem problem;
  problem.task = "jsonl";
  TERSE_ASSIGN_OR_RETURN(problem.prompt,
                         string_field(record, config.prompt_field, "data.jsonl.prompt_field"));
  if (absl::StripAsciiWhitespace(problem.prompt).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("field \"", config.prompt_field, "\" is empty"));
  }
  problem.key = problem.prompt;
  if (config.format == JsonlFormat::kGsm8k) {
    TERSE_ASSIGN_OR_RETURN(const std::string answer,
                           string_field(record, config.answer_field, "data.jsonl.answer_field"));
    const size_t marker = answer.rfind(kGsm8kMarker);
    if (marker == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field \"", config.answer_field,
          "\" has no `#### N` giving the final answer (GSM8K layout; for other layouts set "
          "data.jsonl.format: fields)"));
    }
    problem.answer =
        std::string(absl::StripAsciiWhitespace(answer.substr(marker + sizeof(kGsm8kMarker) - 1)));
    problem.long_trace = std::string(absl::StripAsciiWhitespace(answer.substr(0, marker)));
  } else {
    const auto it = record.find(config.answer_field);
    if (it == record.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing field \"", config.answer_field, "\" (data.jsonl.answer_field)"));
    }
    if (it->is_string()) {
      problem.answer = std::string(absl::StripAsciiWhitespace(it->get<std::string>()));
    } else if (it->is_number()) {
      problem.answer = it->dump();
    } else {
      return absl::InvalidArgumentError(absl::StrCat("field \"", config.answer_field,
                                                     "\" must be a string or a number, not ",
                                                     json_type(*it), " (data.jsonl.answer_field)"));
    }
    if (!config.reasoning_field.empty()) {
      TERSE_ASSIGN_OR_RETURN(
          const std::string reasoning,
          string_field(record, config.reasoning_field, "data.jsonl.reasoning_field"));
      problem.long_trace = std::string(absl::StripAsciiWhitespace(reasoning));
    }
  }
  if (problem.answer.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the answer in field \"", config.answer_field, "\" is empty"));
  }
  problem.answer_kind = looks_numeric(problem.answer) ? AnswerKind::kNumber : AnswerKind::kText;
  if (const auto level = record.find("level"); level != record.end() && !level->is_null()) {
    if (!level->is_number_integer() || level->get<int64_t>() < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field \"level\" must be a positive integer (the problem's difficulty), not ",
          level->dump()));
    }
    problem.level = level->get<int64_t>();
  }
  return problem;
}

}  // namespace

void JsonlConfig::visit(ConfigVisitor& v) {
  v.enum_field("format", format, {{"gsm8k", JsonlFormat::kGsm8k}, {"fields", JsonlFormat::kFields}},
               "gsm8k: the answer field holds reasoning then `#### N`; fields: the answer field "
               "holds the answer alone, reasoning_field (if set) the reasoning.");
  v.field("train_path", train_path, "JSONL file of the train split (data.task: jsonl).");
  v.field("test_path", test_path, "JSONL file of the test split; empty: no test split.");
  v.field("prompt_field", prompt_field, "Field holding the prompt.");
  v.field("answer_field", answer_field, "Field holding the answer.");
  v.field("reasoning_field", reasoning_field,
          "fields format: the field holding the reasoning; empty: records have none.");
  v.field("max_line_bytes", max_line_bytes, "Longest line accepted, in bytes; longer are errors.",
          Range::between(2, 1LL << 30));
}

absl::StatusOr<std::vector<Problem>> read_jsonl(std::istream& in, absl::string_view source,
                                                const JsonlConfig& config) {
  std::vector<Problem> problems;
  std::vector<std::string> errors;
  int64_t malformed = 0;
  LineReader reader(in, config.max_line_bytes);
  Line line;
  while (reader.next(&line)) {
    absl::StatusOr<Problem> problem;
    if (line.too_long) {
      problem = absl::InvalidArgumentError(
          absl::StrCat("line is ", line.bytes, " bytes, over the limit of ", config.max_line_bytes,
                       " (data.jsonl.max_line_bytes)"));
    } else if (absl::StripAsciiWhitespace(line.text).empty()) {
      continue;
    } else {
      problem = parse_record(line.text, config);
    }
    if (problem.ok()) {
      problems.push_back(*std::move(problem));
      continue;
    }
    ++malformed;
    if (errors.size() < kMaxReportedErrors) {
      errors.push_back(absl::StrCat(source, ":", line.number, ": ", problem.status().message()));
    }
  }
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("reading ", source, " failed"));
  }
  if (malformed > 0) {
    if (malformed > static_cast<int64_t>(errors.size())) {
      errors.push_back(
          absl::StrCat("... and ", malformed - errors.size(), " more malformed lines"));
    }
    errors.push_back(absl::StrCat(source, ": ", malformed, " malformed line(s) of ", line.number,
                                  "; fix or remove them"));
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }
  if (problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, " holds no records"));
  }
  return problems;
}

absl::StatusOr<std::vector<Problem>> load_jsonl(const std::string& path,
                                                const JsonlConfig& config) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(
        absl::StrCat("data file `", path, "` does not exist or is not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot open data file `", path, "`"));
  return read_jsonl(in, path, config);
}

}  // namespace terse
