// How a completion is scored: an answer verifier for accuracy, a format check, and a length
// penalty, combined as a weighted sum. docs/length_penalties.md gives each penalty's formula,
// source and a starting coefficient.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/config_visitor.h"

namespace terse {

enum class VerifierKind { kMath, kCountdown, kExact };

// The length penalty families (see reward/length_penalty.h for each formula and its paper).
enum class PenaltyKind {
  kNone,
  kLinear,
  kKimi,
  kEfficient,
  kL1Exact,
  kL1Max,
  kShorterBetter,
  kLcR1,
  kCosine,
  kDapoOverlong,
  kTruncate,
  kAlp,
};

// What "length" counts: every completion token, or only the tokens of the thinking span.
enum class LengthUnit { kCompletion, kThinking };

// What the format term expects after `</think>`.
enum class FormatAnswer { kTags, kBoxed, kText };

// Config spellings of the enums.
const EnumNames<VerifierKind>& verifier_kind_names();
const EnumNames<PenaltyKind>& penalty_kind_names();
const EnumNames<LengthUnit>& length_unit_names();
const EnumNames<FormatAnswer>& format_answer_names();
// The config spelling of `kind`, e.g. "l1_exact".
const char* penalty_kind_name(PenaltyKind kind);

struct MathVerifierConfig {
  bool last_number_fallback = true;  // grade the last number when no answer marker is found

  void visit(ConfigVisitor& v);
};

struct CountdownVerifierConfig {
  bool use_all_numbers = true;  // every given number exactly once (else each at most once)

  void visit(ConfigVisitor& v);
};

struct FormatConfig {
  bool think_in_prompt = false;               // the prompt template already opened `<think>`
  FormatAnswer answer = FormatAnswer::kTags;  // what must follow `</think>`

  void visit(ConfigVisitor& v);
};

// total = accuracy * accuracy-weight + format * format-weight + length term * length-weight.
struct RewardWeights {
  double accuracy = 1.0;  // weight of the 0/1 accuracy term
  double format = 0.0;    // weight of the 0/1 format term; 0 leaves it out
  double length = 1.0;    // weight of the length term (1 gives each paper's reward exactly)

  void visit(ConfigVisitor& v);
};

// L1 / LCPO (Aggarwal & Welleck 2025): a target length sampled per prompt and written into it.
struct L1Config {
  int64_t target_min = 100;   // n_min of the uniform target distribution (paper: 100)
  int64_t target_max = 4000;  // n_max (paper: 4000)
  double delta = 0.5;         // L1-Max's offset δ in clip(α(n − L) + δ, 0, 1) (paper: 0.5)

  void visit(ConfigVisitor& v);
};

// The cosine length-scaling reward of Yeo et al. 2025; defaults from the paper's scripts.
struct CosineConfig {
  double correct_short = 2.0;  // r_0^c: correct answer of length 0
  double correct_long = 1.0;   // r_L^c: correct answer at max_length
  double wrong_short = -10.0;  // r_0^w: wrong answer of length 0
  double wrong_long = 0.0;     // r_L^w: wrong answer at max_length
  double exceed = -10.0;       // r_e: a sample that reached max_length or was cut off

  void visit(ConfigVisitor& v);
};

// DAPO's soft overlong punishment (Yu et al. 2025, eq. 13).
struct OverlongConfig {
  int64_t cache = 0;  // L_cache: the ramp's width below max_length; 0 means max_length / 5

  void visit(ConfigVisitor& v);
};

// When the length penalty applies and how hard (reward/penalty_schedule.h).
struct PenaltyScheduleConfig {
  int64_t warmup_steps = 0;           // steps from the start with no length term (Kimi k1.5)
  int64_t ramp_steps = 0;             // then the term's weight rises linearly over this many
  std::vector<int64_t> budgets;       // `truncate`'s token budgets, in force from budget_steps
  std::vector<int64_t> budget_steps;  // the step each budget starts at; the first must be 0

  void visit(ConfigVisitor& v);
};

// Which samples and groups the length term applies to; the term of a gated-out sample is 0.
// prime-rl's users found that penalising wrong answers teaches a model to fail fast on hard
// problems, hence correct_only; min_group_accuracy spares groups the model still struggles with.
struct PenaltyGateConfig {
  bool correct_only = false;        // wrong answers get no length term
  double min_group_accuracy = 0.0;  // the term applies only in groups at or above this accuracy
  int64_t lazy_window = 0;          // lazy switch: steps of batch accuracy it looks at; 0 off
  double lazy_tolerance = 0.001;    // lazy switch: the steepest fall per step still counted as flat

  void visit(ConfigVisitor& v);
};

struct LengthPenaltyConfig {
  PenaltyKind kind = PenaltyKind::kNone;  // which published penalty
  double alpha = 0.0;                     // its coefficient (each kind's doc says which symbol)
  LengthUnit unit = LengthUnit::kCompletion;
  int64_t max_length = 0;  // L_max of linear, cosine, dapo_overlong, truncate; 0: max_new_tokens
  L1Config l1;
  CosineConfig cosine;
  OverlongConfig overlong;
  PenaltyScheduleConfig schedule;
  PenaltyGateConfig gate;

  void visit(ConfigVisitor& v);
  // Checks between fields; errors name the key paths under `reward.length_penalty`.
  absl::Status validate() const;
};

// Reasoning-effort requests written into training prompts (reward/length_target.h): named modes,
// each an instruction and a thinking budget, and numeric budgets ("Think for N tokens.", drawn
// from length_penalty.l1's range), mixed by weight. The l1_* penalties then score each sample
// against its own request; a mode without a budget gets no length term. Empty `modes`: off.
struct EffortConfig {
  std::vector<std::string> modes;         // names, e.g. instant, thinking, contemplating
  std::vector<std::string> instructions;  // appended to the prompt of each mode
  std::vector<int64_t> budgets;           // each mode's thinking budget in tokens; -1: none
  std::vector<int64_t> parallel;          // lines of thought at inference (`terse eval
                                          // --effort`); empty: 1 for every mode
  std::vector<double> weights;            // each mode's share of the prompts; empty: equal
  double budget_weight = 0;               // the share of numeric budgets, beside the modes'

  void visit(ConfigVisitor& v);
  bool enabled() const { return !modes.empty(); }
  // Index of mode `name`; -1 when there is none.
  int64_t find(absl::string_view name) const;
  // Lines of thought of mode `mode` at inference: parallel[mode], or 1 when parallel is empty.
  int64_t lines(size_t mode) const { return parallel.empty() ? 1 : parallel[mode]; }
  // Errors name the keys under `section` (where the modes are configured).
  absl::Status validate(absl::string_view section = "reward.effort") const;
};

struct RewardConfig {
  VerifierKind verifier = VerifierKind::kMath;
  MathVerifierConfig math;
  CountdownVerifierConfig countdown;
  FormatConfig format;
  RewardWeights weights;
  LengthPenaltyConfig length_penalty;
  EffortConfig effort;

  void visit(ConfigVisitor& v);
  // Checks between fields; errors name the key paths under `reward`.
  absl::Status validate() const;
};

}  // namespace terse
