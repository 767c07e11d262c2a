#include "app/demo_modes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "app/demo_phases.h"
#include "app/svg_plot.h"
#include "core/status.h"
#include "data/completion.h"
#include "reward/length_target.h"
#include "rollout/think_tags.h"

namespace terse {
namespace {

namespace fs = std::filesystem;

// `phase` with the modes of demo.modes: each prompt asks for one of them (or a numeric budget
// in budget_min..budget_max), scored by demo.modes.penalty (L1-Exact or L1-Max) on its
// thinking tokens.
ExperimentConfig with_modes(ExperimentConfig phase) {
  const DemoModesConfig& modes = phase.demo.modes;
  phase.reward.effort = modes.effort;
  LengthPenaltyConfig& penalty = phase.reward.length_penalty;
  penalty = LengthPenaltyConfig{};
  penalty.kind = modes.penalty;
  penalty.alpha = modes.alpha;
  penalty.l1.delta = modes.delta;
  penalty.unit = LengthUnit::kThinking;
  penalty.l1.target_min = modes.budget_min;
  penalty.l1.target_max = modes.budget_max;
  return phase;
}

ExperimentConfig modes_sft_phase(const ExperimentConfig& config, const fs::path& out) {
  const DemoModesConfig& modes = config.demo.modes;
  ExperimentConfig phase = with_modes(
      sft_phase(config, out, "modes_sft", SftTarget::kEffort, modes.sft_steps, modes.sft_lr));
  phase.model.path = (out / kSftPhase).string();
  phase.trainer.eval_every = modes.sft_steps;
  phase.trainer.save_every = modes.sft_steps;
  return phase;
}

}  // namespace

ExperimentConfig modes_rl_phase(const ExperimentConfig& config, const fs::path& out) {
  ExperimentConfig phase = with_modes(phase_config(config, out, "modes_rl"));
  phase.model.path = (out / "modes_sft").string();
  phase.trainer.steps = config.demo.modes.rl_steps;
  return phase;
}

namespace {

// Evaluates `problems`, each prompt carrying `request`, under `spec`.
EvalResult ask(PhaseModel& loaded, std::vector<Problem> problems, const EffortConfig& effort,
               const EffortRequest& request, const EvalSpec& spec) {
  for (Problem& p : problems) p.prompt = with_effort_instruction(p.prompt, effort, request);
  return evaluate(loaded.model, *loaded.tokenizer, problems, spec);
}

BudgetPoint budget_point(int64_t budget, const EvalResult& result) {
  BudgetPoint point;
  point.budget = budget;
  point.accuracy = result.accuracy;
  point.mean_tokens = result.mean_tokens;
  point.mean_think_tokens = result.mean_think_tokens;
  if (budget >= 0) point.adherence = budget_adherence(result.samples, budget);
  return point;
}

double empty_think_fraction(const std::vector<EvalSample>& answers) {
  if (answers.empty()) return 0;
  int64_t empty = 0;
  for (const EvalSample& s : answers) empty += s.think_tokens == 0 ? 1 : 0;
  return static_cast<double>(empty) / static_cast<double>(answers.size());
}

ModeFigures evaluate_mode(PhaseModel& loaded, const std::vector<Problem>& problems,
                          const DemoModesConfig& modes, int64_t mode, EvalSpec spec) {
  const EffortConfig& effort = modes.effort;
  const auto m = static_cast<size_t>(mode);
  ModeFigures figures;
  figures.name = effort.modes[m];
  figures.budget = effort.budgets[m];
  figures.parallel = effort.lines(m);
  spec.parallel = figures.parallel;
  if (figures.parallel > 1) {
    spec.sampling.greedy = false;
    spec.sampling.temperature = modes.temperature;
  }
  const EvalResult result =
      ask(loaded, problems, effort, EffortRequest{mode, figures.budget}, spec);
  figures.accuracy = result.accuracy;
  figures.mean_tokens = result.mean_tokens;
  figures.mean_think_tokens = result.mean_think_tokens;
  // An answer voted from several lines counts as empty only when all its lines are.
  figures.empty_think = empty_think_fraction(result.samples);
  return figures;
}

// The demo's SFT model with its thinking ended at each budget of the ladder.
absl::StatusOr<std::vector<BudgetPoint>> sft_forced_curve(const ExperimentConfig& config,
                                                          const fs::path& out,
                                                          const std::vector<Problem>& problems,
                                                          const EvalSpec& base) {
  TERSE_ASSIGN_OR_RETURN(PhaseModel sft, load_phase_model(phase_config(config, out, kSftPhase)));
  std::vector<BudgetPoint> curve;
  curve.reserve(config.demo.modes.ladder.size());
  for (const int64_t budget : config.demo.modes.ladder) {
    ThinkBudgetConfig think = config.rollout.think;
    think.tokens = budget;
    think.mode = ThinkBudgetMode::kForce;
    EvalSpec spec = base;
    TERSE_ASSIGN_OR_RETURN(spec.think, make_think_budget(think, *sft.tokenizer));
    curve.push_back(budget_point(budget, evaluate(sft.model, *sft.tokenizer, problems, spec)));
  }
  return curve;
}

}  // namespace

std::vector<BudgetPoint> fitted_curve(const std::vector<Problem>& problems,
                                      const std::vector<int64_t>& ladder) {
  std::vector<BudgetPoint> curve;
  curve.reserve(ladder.size());
  for (const int64_t budget : ladder) {
    std::vector<EvalSample> traces(problems.size());
    for (size_t i = 0; i < problems.size(); ++i) {
      const std::string trace = budget_trace(problems[i], budget);
      traces[i].tokens = count_tokens(make_completion(trace, problems[i].answer));
      traces[i].think_tokens = count_tokens(trace);
      traces[i].correct = true;
    }
    const EvalResult result = summarize(traces, static_cast<int64_t>(problems.size()));
    curve.push_back(budget_point(budget, result));
  }
  return curve;
}

namespace {

nlohmann::json point_json(const BudgetPoint& p) {
  return {{"budget", p.budget},
          {"accuracy", p.accuracy},
          {"mean_tokens", p.mean_tokens},
          {"mean_think_tokens", p.mean_think_tokens},
          {"adherence",
           {{"relative_error", p.adherence.relative_error},
            {"over_fraction", p.adherence.over_fraction}}}};
}

PlotSeries curve_series(const std::string& name, const std::vector<BudgetPoint>& curve,
                        double BudgetPoint::*value) {
  PlotSeries series{name, {}, {}};
  series.points.reserve(curve.size());
  for (const BudgetPoint& p : curve) {
    series.points.emplace_back(static_cast<double>(p.budget), p.*value);
  }
  return series;
}

// The curves of `value` against the budget, and the no-request model as a flat line.
std::string budget_chart(const ModesSummary& s, double BudgetPoint::*value,
                         const std::string& title, const std::string& y_label) {
  std::vector<PlotSeries> series = {
      curve_series("modes model, asked for N", s.budget_curve, value),
      curve_series("SFT model, thinking ended at N", s.sft_forced, value)};
  if (value == &BudgetPoint::mean_think_tokens && !s.fitted.empty()) {
    series.push_back(
        curve_series("whole blocks that fit N (effort SFT's targets)", s.fitted, value));
  }
  if (!s.budget_curve.empty()) {
    const double y = s.no_request.*value;
    series.push_back({"compressed model, no request",
                      {{static_cast<double>(s.budget_curve.front().budget), y},
                       {static_cast<double>(s.budget_curve.back().budget), y}},
                      {}});
  }
  PlotOptions options;
  options.title = title;
  options.x_label = "requested thinking tokens N";
  options.y_label = y_label;
  return svg_line_chart(series, options);
}

}  // namespace

absl::Status train_modes(const ExperimentConfig& config, const fs::path& out, ProcessGroup& group,
                         std::ostream& console) {
  const bool main = group.is_main();
  if (main) console << "   effort SFT: every mode's start, from the SFT model\n";
  TERSE_RETURN_IF_ERROR(train_sft(modes_sft_phase(config, out), group, console));
  if (main) console << "   RL with the mode mixture (L1-Exact on each request)\n";
  return train_rl(modes_rl_phase(config, out), group, console);
}

absl::StatusOr<ModesSummary> evaluate_modes(const ExperimentConfig& config, const fs::path& out) {
  const DemoModesConfig& modes = config.demo.modes;
  TERSE_ASSIGN_OR_RETURN(const std::vector<Problem> problems,
                         held_out_problems(config, modes.eval_problems));
  EvalSpec greedy;
  greedy.sampling.greedy = true;
  greedy.max_new_tokens = config.data.max_completion_tokens;
  greedy.seed = static_cast<uint64_t>(config.run.seed);

  ModesSummary summary;
  summary.problems = static_cast<int64_t>(problems.size());
  TERSE_ASSIGN_OR_RETURN(PhaseModel trained, load_phase_model(modes_rl_phase(config, out)));
  for (size_t m = 0; m < modes.effort.modes.size(); ++m) {
    summary.modes.push_back(
        evaluate_mode(trained, problems, modes, static_cast<int64_t>(m), greedy));
  }
  summary.budget_curve.reserve(modes.ladder.size());
  for (const int64_t budget : modes.ladder) {
    const EvalResult result =
        ask(trained, problems, modes.effort, EffortRequest{-1, budget}, greedy);
    summary.budget_curve.push_back(budget_point(budget, result));
  }
  TERSE_ASSIGN_OR_RETURN(summary.sft_forced, sft_forced_curve(config, out, problems, greedy));
  summary.fitted = fitted_curve(problems, modes.ladder);
  TERSE_ASSIGN_OR_RETURN(PhaseModel compressed,
                         load_phase_model(phase_config(config, out, kRlPhase)));
  summary.no_request =
      budget_point(-1, evaluate(compressed.model, *compressed.tokenizer, problems, greedy));
  return summary;
}

nlohmann::json modes_json(const ModesSummary& s) {
  nlohmann::json json = nlohmann::json::object();
  for (const ModeFigures& m : s.modes) {
    json[m.name] = {{"accuracy", m.accuracy},
                    {"mean_tokens", m.mean_tokens},
                    {"mean_think_tokens", m.mean_think_tokens},
                    {"empty_think", m.empty_think},
                    {"budget", m.budget},
                    {"parallel", m.parallel}};
  }
  const auto curve = [](const std::vector<BudgetPoint>& points) {
    nlohmann::json list = nlohmann::json::array();
    for (const BudgetPoint& p : points) list.push_back(point_json(p));
    return list;
  };
  json["budget_curve"] = curve(s.budget_curve);
  json["sft_forced"] = curve(s.sft_forced);
  json["fitted"] = curve(s.fitted);
  json["no_request"] = point_json(s.no_request);
  json["problems"] = s.problems;
  return json;
}

std::string modes_report_html(const ModesSummary& s) {
  std::string html = absl::StrCat(
      "<h2>Reasoning-effort modes</h2>\n<p>One model trained with every mode (terse demo "
      "--modes), on ",
      s.problems,
      " held-out problems, each mode asked for by its instruction alone (nothing forced). "
      "Tokens of a mode with several lines of thought add up all lines.</p>\n"
      "<table><tr><th>mode</th><th>lines</th><th>accuracy</th><th>mean tokens</th>"
      "<th>thinking tokens</th><th>empty thinking</th></tr>\n");
  for (const ModeFigures& m : s.modes) {
    absl::StrAppend(&html, absl::StrFormat("<tr><th>%s</th><td>%d</td><td>%.3f</td><td>%.1f</td>"
                                           "<td>%.1f</td><td>%.2f</td></tr>\n",
                                           xml_escape(m.name), m.parallel, m.accuracy,
                                           m.mean_tokens, m.mean_think_tokens, m.empty_think));
  }
  absl::StrAppend(
      &html, "</table>\n",
      budget_chart(s, &BudgetPoint::accuracy, "accuracy at a thinking budget", "accuracy"),
      budget_chart(s, &BudgetPoint::mean_think_tokens, "thinking tokens at a thinking budget",
                   "thinking tokens"));
  return html;
}

void print_modes(const ModesSummary& s, std::ostream& console) {
  console << absl::StrFormat("\n  %-26s %8s %12s %16s\n", "effort mode (as asked)", "accuracy",
                             "mean tokens", "thinking tokens");
  for (const ModeFigures& m : s.modes) {
    console << absl::StrFormat(
        "  %-26s %8.3f %12.1f %16.1f\n",
        absl::StrCat(m.name, m.parallel > 1 ? absl::StrCat(" (", m.parallel, " lines)") : ""),
        m.accuracy, m.mean_tokens, m.mean_think_tokens);
  }
  // Column groups over the columns they name; every field keeps its width (a relative error
  // up to 9999.99, as at budget 0 or 4 where a few tokens are many times the budget).
  console << absl::StrFormat("\n  %8s   %-27s   %-19s   %12s\n", "", "modes model, asked N",
                             "SFT, ended at N", "whole blocks")
          << absl::StrFormat("  %8s   %8s  %8s  %7s   %8s  %9s   %12s\n", "budget N", "accuracy",
                             "thinking", "error", "accuracy", "thinking", "thinking");
  for (size_t i = 0; i < s.budget_curve.size() && i < s.sft_forced.size() && i < s.fitted.size();
       ++i) {
    const BudgetPoint& a = s.budget_curve[i];
    const BudgetPoint& b = s.sft_forced[i];
    console << absl::StrFormat("  %8d   %8.3f  %8.1f  %7.2f   %8.3f  %9.1f   %12.1f\n", a.budget,
                               a.accuracy, a.mean_think_tokens, a.adherence.relative_error,
                               b.accuracy, b.mean_think_tokens, s.fitted[i].mean_think_tokens);
  }
}

}  // namespace terse
