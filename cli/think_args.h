// The thinking-budget flags of `terse generate` and `terse eval`.
#pragma once

#include "rollout/rollout_config.h"

namespace CLI {
class App;
}

namespace terse {

// Adds --think-budget, --think-mode, --think-open, --think-close and --answer-prefix to `app`,
// stored in `think`.
void add_think_budget_options(CLI::App& app, ThinkBudgetConfig* think);

}  // namespace terse
