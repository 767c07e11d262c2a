// Chat formatting for prompts, without a Jinja engine: the formats of Qwen3 (ChatML with
// <think> blocks) and Llama 3 are built in, and a plain template with {system} / {user} /
// {assistant} placeholders serves the built-in tasks. The output is text in which the special
// tokens are written out; encode it with Tokenizer::encode_with_special.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tokenizers/prompt_template.h"

namespace terse {

struct ChatMessage {
  std::string role;     // "system", "user" or "assistant"
  std::string content;  // an assistant's content may hold "<think>...</think>" reasoning
};

struct ChatOptions {
  bool add_generation_prompt = true;  // end with the opening of an assistant turn
  bool enable_thinking = true;        // ChatML: false pre-fills an empty <think></think> (Qwen3)
};

class ChatTemplate {
 public:
  enum class Format { kChatMl, kLlama3, kPlain };

  // Qwen3's chat template: <|im_start|>role\ncontent<|im_end|>\n per message; an assistant
  // turn after the last user message carries its reasoning in a <think> block, earlier ones
  // lose it; no default system prompt.
  static ChatTemplate chatml();
  // Llama 3's: <|begin_of_text|>, then <|start_header_id|>role<|end_header_id|>\n\n
  // content<|eot_id|> per message, contents trimmed of surrounding whitespace.
  static ChatTemplate llama3();
  // A plain template whose placeholders are roles; each role may occur in one message at most.
  static absl::StatusOr<ChatTemplate> plain(absl::string_view template_text);
  // "chatml" (or "qwen"), "llama3", else a plain template text.
  static absl::StatusOr<ChatTemplate> from_spec(absl::string_view spec);

  // The formatted conversation. InvalidArgument when `messages` is empty or has a role the
  // format does not know (plain: a role without a placeholder, or a placeholder without a
  // message, or a role given twice).
  absl::StatusOr<std::string> apply(absl::Span<const ChatMessage> messages,
                                    const ChatOptions& options = {}) const;

  // Which of the three kinds of template this is.
  Format format() const { return format_; }

 private:
  explicit ChatTemplate(Format format) : format_(format) {}

  absl::StatusOr<std::string> apply_chatml(absl::Span<const ChatMessage> messages,
                                           const ChatOptions& options) const;
  std::string apply_llama3(absl::Span<const ChatMessage> messages,
                           const ChatOptions& options) const;
  absl::StatusOr<std::string> apply_plain(absl::Span<const ChatMessage> messages) const;

  Format format_;
  std::vector<PromptTemplate> plain_;  // one entry for kPlain
};

}  // namespace terse
