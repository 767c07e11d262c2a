#include "reward/reward_config.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

namespace terse {
namespace {

// What a kind multiplies by `alpha`, and the coefficient docs/length_penalties.md suggests to
// start from; empty for kinds that take no coefficient.
struct AlphaUse {
  PenaltyKind kind;
  const char* suggestion;
};

constexpr AlphaUse kAlphaUses[] = {
    {PenaltyKind::kLinear, "0.2"},    {PenaltyKind::kKimi, "0.5"},
    {PenaltyKind::kEfficient, "0.1"}, {PenaltyKind::kL1Exact, "0.0003"},
    {PenaltyKind::kL1Max, "0.001"},   {PenaltyKind::kShorterBetter, "0.001"},
    {PenaltyKind::kLcR1, "1.0"},      {PenaltyKind::kDapoOverlong, "1.0"},
    {PenaltyKind::kAlp, "0.5"},
};

const AlphaUse* alpha_use(PenaltyKind kind) {
  for (const AlphaUse& use : kAlphaUses) {
    if (use.kind == kind) return &use;
  }
  return nullptr;
}

absl::Status check_budget_schedule(const LengthPenaltyConfig& c) {
  const PenaltyScheduleConfig& s = c.schedule;
  if (s.budgets.size() != s.budget_steps.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`reward.length_penalty.schedule.budgets` has ", s.budgets.size(),
        " entries but `reward.length_penalty.schedule.budget_steps` has ", s.budget_steps.size(),
        "; give one start step per budget, e.g. budgets: [4096, 3072, 2048], "
        "budget_steps: [0, 200, 400]"));
  }
  if (s.budgets.empty()) return absl::OkStatus();
  if (c.kind != PenaltyKind::kTruncate) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`reward.length_penalty.schedule.budgets` applies only to `kind: truncate`, but kind is `",
        penalty_kind_name(c.kind), "`; remove the budgets or choose truncate"));
  }
  if (s.budget_steps.front() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`reward.length_penalty.schedule.budget_steps` must start at 0, got [",
                     absl::StrJoin(s.budget_steps, ", "), "]"));
  }
  for (size_t i = 1; i < s.budget_steps.size(); ++i) {
    if (s.budget_steps[i] <= s.budget_steps[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "`reward.length_penalty.schedule.budget_steps` must increase strictly, got [",
          absl::StrJoin(s.budget_steps, ", "), "]"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const EnumNames<VerifierKind>& verifier_kind_names() {
  static const EnumNames<VerifierKind> names = {{"math", VerifierKind::kMath},
                                                {"countdown", VerifierKind::kCountdown},
                                                {"exact", VerifierKind::kExact}};
  return names;
}

const EnumNames<PenaltyKind>& penalty_kind_names() {
  static const EnumNames<PenaltyKind> names = {
      {"none", PenaltyKind::kNone},
      {"linear", PenaltyKind::kLinear},
      {"kimi", PenaltyKind::kKimi},
      {"efficient", PenaltyKind::kEfficient},
      {"l1_exact", PenaltyKind::kL1Exact},
      {"l1_max", PenaltyKind::kL1Max},
      {"shorter_better", PenaltyKind::kShorterBetter},
      {"lc_r1", PenaltyKind::kLcR1},
      {"cosine", PenaltyKind::kCosine},
      {"dapo_overlong", PenaltyKind::kDapoOverlong},
      {"truncate", PenaltyKind::kTruncate},
      {"alp", PenaltyKind::kAlp},
  };
  return names;
}

const EnumNames<LengthUnit>& length_unit_names() {
  static const EnumNames<LengthUnit> names = {{"completion", LengthUnit::kCompletion},
                                              {"thinking", LengthUnit::kThinking}};
  return names;
}

const EnumNames<FormatAnswer>& format_answer_names() {
  static const EnumNames<FormatAnswer> names = {{"tags", FormatAnswer::kTags},
                                                {"boxed", FormatAnswer::kBoxed},
                                                {"text", FormatAnswer::kText}};
  return names;
}

const char* penalty_kind_name(PenaltyKind kind) {
  for (const auto& [name, value] : penalty_kind_names()) {
    if (value == kind) return name.c_str();
  }
  return "?";
}

void MathVerifierConfig::visit(ConfigVisitor& v) {
  v.field("last_number_fallback", last_number_fallback,
          "When the answer carries no marker (answer tags, \\boxed, ####, \"the answer is\"), "
          "grade the last number of the answer text.");
}

void CountdownVerifierConfig::visit(ConfigVisitor& v) {
  v.field("use_all_numbers", use_all_numbers,
          "The equation must use every given number exactly once (TinyZero's rule); false "
          "allows each at most once.");
}

void FormatConfig::visit(ConfigVisitor& v) {
  v.field("think_in_prompt", think_in_prompt,
          "The prompt template ends with `<think>`, so the completion starts inside the thought "
          "and must not open it again.");
  v.enum_field("answer", answer, format_answer_names(),
               "What must follow `</think>`: tags (one `<answer>…</answer>` and nothing after), "
               "boxed (a closed `\\boxed{…}`), or text (anything not blank).");
}

void RewardWeights::visit(ConfigVisitor& v) {
  v.field("accuracy", accuracy,
          "Weight of the 0/1 accuracy term. ShorterBetter's α is this weight.", Range::at_least(0));
  v.field("format", format, "Weight of the 0/1 format term; 0 leaves it out.", Range::at_least(0));
  v.field("length", length, "Weight of the length term; 1 reproduces each paper's reward exactly.",
          Range::at_least(0));
}

void L1Config::visit(ConfigVisitor& v) {
  v.field("target_min", target_min,
          "Smallest target length n_min written into l1_* prompts (L1 paper: 100).",
          Range::at_least(1));
  v.field("target_max", target_max, "Largest target length n_max (L1 paper: 4000).",
          Range::at_least(1));
  v.field("delta", delta,
          "L1-Max's δ in acc * clip(α(n_target − L) + δ, 0, 1) (L1 paper eq. 2: 0.5).",
          Range::between(0, 1));
}

void CosineConfig::visit(ConfigVisitor& v) {
  v.field(
      "correct_short", correct_short,
      "r_0^c: reward of a correct answer of length 0 (the defaults are those of Yeo et al. 2025).");
  v.field("correct_long", correct_long, "r_L^c: reward of a correct answer at max_length.");
  v.field("wrong_short", wrong_short, "r_0^w: reward of a wrong answer of length 0.");
  v.field("wrong_long", wrong_long, "r_L^w: reward of a wrong answer at max_length.");
  v.field("exceed", exceed, "r_e: reward of a sample that reached max_length or was cut off.");
}

void OverlongConfig::visit(ConfigVisitor& v) {
  v.field("cache", cache,
          "L_cache: tokens below max_length where the penalty ramps from 0 to -alpha; 0 takes "
          "max_length / 5 (DAPO: 4096 of 20480).",
          Range::at_least(0));
}

void PenaltyScheduleConfig::visit(ConfigVisitor& v) {
  v.field("warmup_steps", warmup_steps,
          "Steps from the start of training without the length term (Kimi k1.5 §2.3.3).",
          Range::at_least(0));
  v.field("ramp_steps", ramp_steps,
          "After the warm-up, the length term's weight rises linearly from 1/ramp_steps to 1 "
          "over this many steps; 0 applies it fully at once.",
          Range::at_least(0));
  v.field("budgets", budgets,
          "ThinkPrune's shrinking budgets for `truncate`, e.g. [4096, 3072, 2048]; empty uses "
          "max_length throughout.",
          Range::at_least(1));
  v.field("budget_steps", budget_steps,
          "The step at which each budget takes over, starting at 0, e.g. [0, 200, 400].",
          Range::at_least(0));
}

void PenaltyGateConfig::visit(ConfigVisitor& v) {
  v.field("correct_only", correct_only,
          "Wrong answers get no length term, so the model is not taught to fail fast on hard "
          "problems (prime-rl's correctness gate).");
  v.field("min_group_accuracy", min_group_accuracy,
          "The length term applies only in groups whose accuracy is at least this; 0 applies "
          "it everywhere.",
          Range::between(0, 1));
  v.field("lazy_window", lazy_window,
          "Lazy switch: the length term applies at a step only when the batch accuracy of the "
          "previous lazy_window steps is not falling (least-squares slope >= -lazy_tolerance); "
          "off for the first lazy_window steps. 0 disables it.",
          Range::at_least(0));
  v.field("lazy_tolerance", lazy_tolerance,
          "Lazy switch: accuracy slope per step (e.g. 0.001 = 0.1 points a step) below which "
          "accuracy counts as falling.",
          Range::at_least(0));
}

void LengthPenaltyConfig::visit(ConfigVisitor& v) {
  v.enum_field("kind", kind, penalty_kind_names(),
               "Length penalty family: none, linear, kimi, efficient, l1_exact, l1_max, "
               "shorter_better, lc_r1, cosine, dapo_overlong, truncate, alp "
               "(docs/length_penalties.md gives each formula).");
  v.field("alpha", alpha,
          "The penalty's coefficient: α of linear, efficient, l1_*; w of kimi; β of "
          "shorter_better; the length-reward weight of lc_r1; the penalty factor of "
          "dapo_overlong; β of alp. Unused by cosine and truncate.",
          Range::at_least(0));
  v.enum_field("unit", unit, length_unit_names(),
               "What L counts: completion (every completion token) or thinking (the tokens "
               "before `</think>`).");
  v.field("max_length", max_length,
          "L_max in tokens for linear, cosine, dapo_overlong, alp (its N) and truncate's "
          "default budget; 0 takes rollout.max_new_tokens.",
          Range::at_least(0));
  v.section("l1", l1, "L1 / LCPO target lengths (l1_exact, l1_max).");
  v.section("cosine", cosine, "The cosine reward's end points (cosine).");
  v.section("overlong", overlong, "DAPO's soft overlong punishment (dapo_overlong).");
  v.section("schedule", schedule, "Warm-up, ramp and shrinking budgets of the penalty.");
  v.section("gate", gate, "Which samples and groups the length term applies to.");
}

absl::Status LengthPenaltyConfig::validate() const {
  if (const AlphaUse* use = alpha_use(kind); use != nullptr && alpha == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "`reward.length_penalty.kind` is `", penalty_kind_name(kind),
        "` but `reward.length_penalty.alpha` is 0, so the penalty does nothing; set alpha "
        "(docs/length_penalties.md suggests starting at ",
        use->suggestion, ") or use kind `none`"));
  }
  if (l1.target_min > l1.target_max) {
    return absl::InvalidArgumentError(
        absl::StrCat("`reward.length_penalty.l1.target_min` = ", l1.target_min,
                     " is larger than `reward.length_penalty.l1.target_max` = ", l1.target_max));
  }
  if (max_length > 0 && overlong.cache >= max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("`reward.length_penalty.overlong.cache` = ", overlong.cache,
                     " must be smaller than `reward.length_penalty.max_length` = ", max_length));
  }
  return check_budget_schedule(*this);
}

void EffortConfig::visit(ConfigVisitor& v) {
  v.field("modes", modes,
          "Names of the reasoning-effort modes drawn into training prompts (e.g. [instant, "
          "thinking, contemplating]); empty: no effort requests.");
  v.field("instructions", instructions,
          "The text appended to a prompt of each mode (after a blank line), one per mode.");
  v.field("budgets", budgets,
          "Each mode's thinking budget in tokens, the target of the l1_* penalties; 0 asks for "
          "no thinking, -1 sets none (no length term).",
          Range::at_least(-1));
  v.field("parallel", parallel,
          "Lines of thought per problem at inference, one per mode (`terse eval --effort` votes "
          "over them); empty: 1 for every mode.",
          Range::at_least(1));
  v.field("weights", weights, "Each mode's share of the training prompts; empty: equal shares.",
          Range::at_least(0));
  v.field("budget_weight", budget_weight,
          "Share of prompts that ask for a numeric budget instead (\"Think for N tokens.\", N "
          "drawn from length_penalty.l1.target_min..target_max).",
          Range::at_least(0));
}

int64_t EffortConfig::find(absl::string_view name) const {
  for (size_t i = 0; i < modes.size(); ++i) {
    if (modes[i] == name) return static_cast<int64_t>(i);
  }
  return -1;
}

absl::Status EffortConfig::validate(absl::string_view section) const {
  const size_t n = modes.size();
  const auto mismatch = [&](absl::string_view key, size_t size) {
    return absl::InvalidArgumentError(absl::StrCat("`", section, ".", key, "` has ", size,
                                                   " entries but `", section, ".modes` has ", n,
                                                   ": give one per mode"));
  };
  if (instructions.size() != n) return mismatch("instructions", instructions.size());
  if (budgets.size() != n) return mismatch("budgets", budgets.size());
  if (!parallel.empty() && parallel.size() != n) return mismatch("parallel", parallel.size());
  if (!weights.empty() && weights.size() != n) return mismatch("weights", weights.size());
  for (size_t i = 0; i < n; ++i) {
    if (modes[i].empty() || find(modes[i]) != static_cast<int64_t>(i)) {
      return absl::InvalidArgumentError(absl::StrCat("`", section, ".modes` entry ", i,
                                                     " is empty or repeats a name: `", modes[i],
                                                     "`; give each mode its own name"));
    }
  }
  double total = budget_weight;
  for (size_t i = 0; i < n; ++i) total += weights.empty() ? 1.0 : weights[i];
  if (enabled() && total <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("`", section, ".weights` and `", section,
                                                   ".budget_weight` are all 0: no prompt could "
                                                   "be given a request"));
  }
  return absl::OkStatus();
}

void RewardConfig::visit(ConfigVisitor& v) {
  v.enum_field("verifier", verifier, verifier_kind_names(),
               "Answer checker of `terse verify`: math, countdown or exact. Training and "
               "evaluation pick each problem's checker from its answer kind (numbers: math, "
               "countdown expressions: countdown, text: exact) with the settings below.");
  v.section("math", math, "The math verifier.");
  v.section("countdown", countdown, "The countdown verifier.");
  v.section("format", format, "The format term: the `<think>…</think>` / answer layout.");
  v.section("weights", weights, "Weights of the reward's terms.");
  v.section("length_penalty", length_penalty, "Penalty on completion length.");
  v.section("effort", effort,
            "Reasoning-effort modes and budgets requested in training prompts; each sample's "
            "length term (l1_exact, l1_max) is scored against its own request.");
}

absl::Status RewardConfig::validate() const {
  if (weights.accuracy == 0 && weights.format == 0 && weights.length == 0) {
    return absl::InvalidArgumentError(
        "`reward.weights.accuracy`, `reward.weights.format` and `reward.weights.length` are all "
        "0, so every reward would be 0; set at least `reward.weights.accuracy`");
  }
  TERSE_RETURN_IF_ERROR(length_penalty.validate());
  TERSE_RETURN_IF_ERROR(effort.validate());
  return absl::OkStatus();
}

}  // namespace terse
