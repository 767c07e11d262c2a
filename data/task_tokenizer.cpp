#include "data/task_tokenizer.h"

#include <string>

#include "data/completion.h"

namespace terse {

std::string task_alphabet() {
  std::string alphabet = "\n";
  for (char c = ' '; c <= '~'; ++c) alphabet += c;
  return alphabet;
}

std::unique_ptr<CharTokenizer> make_task_tokenizer() {
  auto made =
      CharTokenizer::create(task_alphabet(), {std::string(kThinkOpen), std::string(kThinkClose),
                                              std::string(kAnswerOpen), std::string(kAnswerClose)});
  // The alphabet and tags are fixed and valid: creation cannot fail.
  return std::move(made).value();
}

}  // namespace terse
