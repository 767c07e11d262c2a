#include "tokenizers/chat_template.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "core/utf8.h"

namespace terse {
namespace {

// Python's str.strip(chars) / lstrip / rstrip for a set of ASCII characters.
absl::string_view lstrip(absl::string_view s, absl::string_view chars) {
  while (!s.empty() && chars.find(s.front()) != absl::string_view::npos) s.remove_prefix(1);
  return s;
}
absl::string_view rstrip(absl::string_view s, absl::string_view chars) {
  while (!s.empty() && chars.find(s.back()) != absl::string_view::npos) s.remove_suffix(1);
  return s;
}
absl::string_view strip(absl::string_view s, absl::string_view chars) {
  return rstrip(lstrip(s, chars), chars);
}

// Python's str.isspace() for one code point (what Jinja's `trim` strips).
bool is_python_space(char32_t cp) {
  return is_unicode_white_space(cp) || (cp >= 0x1C && cp <= 0x1F);
}

// Jinja's `trim`: Python's str.strip() with no argument.
absl::string_view trim(absl::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t pos = begin;
    if (!is_python_space(utf8_decode_next(s, &pos))) break;
    begin = pos;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t pos = start;
    if (!is_python_space(utf8_decode_next(s, &pos))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

// Text after the last `separator`, or all of `s` when there is none (Python's split()[-1]).
absl::string_view after_last(absl::string_view s, absl::string_view separator) {
  const size_t at = s.rfind(separator);
  return at == absl::string_view::npos ? s : s.substr(at + separator.size());
}
// Text before the first `separator` (Python's split()[0]).
absl::string_view before_first(absl::string_view s, absl::string_view separator) {
  const size_t at = s.find(separator);
  return at == absl::string_view::npos ? s : s.substr(0, at);
}

absl::Status check_messages(absl::Span<const ChatMessage> messages) {
  if (messages.empty()) return absl::InvalidArgumentError("chat template: no messages");
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!utf8_is_valid(messages[i].content)) {
      return absl::InvalidArgumentError(
          absl::StrCat("chat template: message ", i, " is not valid UTF-8"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ChatTemplate ChatTemplate::chatml() { return ChatTemplate(Format::kChatMl); }

ChatTemplate ChatTemplate::llama3() { return ChatTemplate(Format::kLlama3); }

absl::StatusOr<ChatTemplate> ChatTemplate::plain(absl::string_view template_text) {
  TERSE_ASSIGN_OR_RETURN(PromptTemplate prompt, PromptTemplate::parse(template_text));
  for (const std::string& name : prompt.names()) {
    if (name != "system" && name != "user" && name != "assistant") {
      return absl::InvalidArgumentError(absl::StrCat(
          "chat template: placeholder {", name,
          "} is not a role; a plain chat template uses {system}, {user} and {assistant}"));
    }
  }
  ChatTemplate result(Format::kPlain);
  result.plain_.push_back(std::move(prompt));
  return result;
}

absl::StatusOr<ChatTemplate> ChatTemplate::from_spec(absl::string_view spec) {
  if (spec == "chatml" || spec == "qwen") return chatml();
  if (spec == "llama3") return llama3();
  return plain(spec);
}

absl::StatusOr<std::string> ChatTemplate::apply(absl::Span<const ChatMessage> messages,
                                                const ChatOptions& options) const {
  TERSE_RETURN_IF_ERROR(check_messages(messages));
  switch (format_) {
    case Format::kChatMl:
      return apply_chatml(messages, options);
    case Format::kLlama3:
      for (size_t i = 0; i < messages.size(); ++i) {
        const std::string& role = messages[i].role;
        if (role != "system" && role != "user" && role != "assistant") {
          return absl::InvalidArgumentError(absl::StrCat("chat template: message ", i,
                                                         " has role \"", role,
                                                         "\"; expected system, user or assistant"));
        }
      }
      return apply_llama3(messages, options);
    case Format::kPlain:
      return apply_plain(messages);
  }
  return absl::InternalError("chat template: unknown format");
}

absl::StatusOr<std::string> ChatTemplate::apply_chatml(absl::Span<const ChatMessage> messages,
                                                       const ChatOptions& options) const {
  // The last user turn that is not a tool response: later assistant turns keep their reasoning.
  size_t last_query = messages.size() - 1;
  for (size_t i = messages.size(); i-- > 0;) {
    const std::string& content = messages[i].content;
    if (messages[i].role == "user" && !(absl::StartsWith(content, "<tool_response>") &&
                                        absl::EndsWith(content, "</tool_response>"))) {
      last_query = i;
      break;
    }
  }
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& message = messages[i];
    if (message.role == "system" || message.role == "user") {
      absl::StrAppend(&out, "<|im_start|>", message.role, "\n", message.content, "<|im_end|>\n");
      continue;
    }
    if (message.role != "assistant") {
      return absl::InvalidArgumentError(absl::StrCat("chat template: message ", i, " has role \"",
                                                     message.role,
                                                     "\"; expected system, user or assistant"));
    }
    absl::string_view content = message.content;
    absl::string_view reasoning;
    if (absl::StrContains(content, "</think>")) {
      reasoning =
          lstrip(after_last(rstrip(before_first(content, "</think>"), "\n"), "<think>"), "\n");
      content = lstrip(after_last(content, "</think>"), "\n");
    }
    const bool last = i + 1 == messages.size();
    if (i > last_query && (last || !reasoning.empty())) {
      absl::StrAppend(&out, "<|im_start|>assistant\n<think>\n", strip(reasoning, "\n"),
                      "\n</think>\n\n", lstrip(content, "\n"));
    } else {
      absl::StrAppend(&out, "<|im_start|>assistant\n", content);
    }
    out += "<|im_end|>\n";
  }
  if (options.add_generation_prompt) {
    out += "<|im_start|>assistant\n";
    if (!options.enable_thinking) out += "<think>\n\n</think>\n\n";
  }
  return out;
}

std::string ChatTemplate::apply_llama3(absl::Span<const ChatMessage> messages,
                                       const ChatOptions& options) const {
  std::string out = "<|begin_of_text|>";
  for (const ChatMessage& message : messages) {
    absl::StrAppend(&out, "<|start_header_id|>", message.role, "<|end_header_id|>\n\n",
                    trim(message.content), "<|eot_id|>");
  }
  if (options.add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

absl::StatusOr<std::string> ChatTemplate::apply_plain(
    absl::Span<const ChatMessage> messages) const {
  const PromptTemplate& prompt = plain_.front();
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& message = messages[i];
    const auto& names = prompt.names();
    if (std::find(names.begin(), names.end(), message.role) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("chat template: message ", i, " has role \"", message.role,
                       "\", which the template has no placeholder for"));
    }
    if (!values.emplace(message.role, message.content).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("chat template: role \"", message.role,
                       "\" appears twice; a plain template formats one message per role"));
    }
  }
  return prompt.render(values);
}

}  // namespace terse
