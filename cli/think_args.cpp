#include "cli/think_args.h"

#include <CLI/CLI.hpp>
#include <map>
#include <string>

namespace terse {

void add_think_budget_options(CLI::App& app, ThinkBudgetConfig* think) {
  app.add_option("--think-budget", think->tokens,
                 "Thinking budget in tokens: a sample never thinks longer (tokens before "
                 "--think-close, not counting --think-open).")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  const std::map<std::string, ThinkBudgetMode> modes = {{"force", ThinkBudgetMode::kForce},
                                                        {"truncate", ThinkBudgetMode::kTruncate}};
  app.add_option("--think-mode", think->mode,
                 "At the budget: force (append --think-close and --answer-prefix, then let the "
                 "model answer) or truncate (stop, finish reason length).")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
  app.add_option("--think-open", think->open_tag, "The tag that opens thinking.");
  app.add_option("--think-close", think->close_tag, "The tag that ends thinking.");
  app.add_option("--answer-prefix", think->answer_prefix,
                 "Text forced after --think-close when the budget forces the end of thinking.");
}

}  // namespace terse
