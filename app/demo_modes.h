// The reasoning-effort modes phase of `terse demo --modes`: from the demo's SFT model, an SFT
// that gives every mode of demo.modes.effort its start (trainer/sft_batch.h sft_completions:
// the direct answer, the long trace, or the blocks that fit a budget), then RL in which an L1
// penalty (demo.modes.penalty: L1-Exact, the budget as a target, or L1-Max, as a cap) scores each
// sample against its own request (Aggarwal & Welleck 2025, arXiv 2503.04697), then a held-out
// evaluation of every mode and of a ladder of numeric budgets, beside two baselines: the demo's SFT
// model forced to end its thinking at each budget, and the demo's compressed model asked for
// nothing.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/experiment_config.h"
#include "core/process_group.h"
#include "trainer/evaluator.h"

namespace terse {

// One mode's held-out figures, asked for by its instruction alone (no forced budget): greedy
// with one line of thought, else `parallel` sampled lines graded by their majority answer.
struct ModeFigures {
  std::string name;
  int64_t budget = -1;   // the mode's configured budget; -1: none
  int64_t parallel = 1;  // lines of thought per answer
  double accuracy = 0;
  double mean_tokens = 0;        // completion tokens per answer (all lines added up)
  double mean_think_tokens = 0;  // thinking tokens per answer (likewise)
  double empty_think = 0;        // fraction of answers with no thinking tokens (all lines)
};

// Held-out figures at one requested (or forced) budget; budget -1: no request.
struct BudgetPoint {
  int64_t budget = -1;
  double accuracy = 0;
  double mean_tokens = 0;
  double mean_think_tokens = 0;
  BudgetAdherence adherence;  // to `budget` (zero without one)
};

struct ModesSummary {
  std::vector<ModeFigures> modes;
  std::vector<BudgetPoint> budget_curve;  // the modes model, asked "Think for N tokens."
  std::vector<BudgetPoint> sft_forced;    // the demo's SFT model, thinking ended at N tokens
  std::vector<BudgetPoint> fitted;        // the effort SFT's targets: whole blocks that fit N
  BudgetPoint no_request;                 // the demo's compressed (RL) model, asked for nothing
  int64_t problems = 0;                   // held-out problems per point
};

// The two training phases of the modes (modes_sft/ and modes_rl/ under `out`), data-parallel
// over `group`; each is skipped when its final checkpoint exists.
absl::Status train_modes(const ExperimentConfig& config, const std::filesystem::path& out,
                         ProcessGroup& group, std::ostream& console);

// The modes' RL phase (modes_rl/ under `out`): the demo's RL settings from the effort SFT model,
// demo.modes.rl_steps steps, each prompt's request scored by demo.modes.penalty.
ExperimentConfig modes_rl_phase(const ExperimentConfig& config, const std::filesystem::path& out);

// The held-out evaluation of the modes model and the baselines (run by one rank).
absl::StatusOr<ModesSummary> evaluate_modes(const ExperimentConfig& config,
                                            const std::filesystem::path& out);

// The effort SFT's own targets for each budget of `ladder` (data/completion.h budget_trace: the
// direct answer at 0), scored like a model's answers: how closely a trace made of the task's
// whole reasoning blocks can keep to each budget. No model runs; accuracy is 1.
std::vector<BudgetPoint> fitted_curve(const std::vector<Problem>& problems,
                                      const std::vector<int64_t>& ladder);

// summary.json's "modes" section: an object per mode (accuracy, mean_tokens, mean_think_tokens,
// empty_think, budget, parallel), then "budget_curve", "sft_forced", "fitted" (lists of budget,
// accuracy, mean_tokens, mean_think_tokens, adherence {relative_error, over_fraction}),
// "no_request" and "problems".
nlohmann::json modes_json(const ModesSummary& summary);

// report.html's modes section: the table of modes and the charts of accuracy and thinking tokens
// against the budget.
std::string modes_report_html(const ModesSummary& summary);

// The modes table printed at the end of the demo.
void print_modes(const ModesSummary& summary, std::ostream& console);

}  // namespace terse
