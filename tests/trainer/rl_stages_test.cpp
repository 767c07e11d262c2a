// The stages of an RL step, each alone: scoring and filtering (trainer/rollout_collector.h) on
// completions written by hand behind a fake rollout source, and the group-relative advantages of
// GFPO (trainer/rl_algorithm.h) by hand.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/task_tokenizer.h"
#include "tests/catch.h"
#include "tests/trainer/run_helpers.h"
#include "tests/trainer/written_batch.h"
#include "trainer/rl_algorithm.h"
#include "trainer/rl_batch.h"
#include "trainer/rollout_collector.h"
#include "trainer/training_setup.h"

namespace terse {
namespace {

// Hands out the same written batch on every call, and counts the calls.
class WrittenRollouts : public RolloutSource {
 public:
  WrittenRollouts(Trajectory batch, bool refill) : batch_(std::move(batch)), refill_(refill) {}

  absl::StatusOr<std::vector<Trajectory>> sample(int64_t step, int64_t* cursor) override {
    ++calls;
    *cursor = calls * 2;
    Trajectory batch = batch_;
    batch.policy_version = step;
    return std::vector<Trajectory>{batch};
  }
  bool can_refill() const override { return refill_; }
  absl::StatusOr<Metrics> policy_updated(Transformer&, const TrainerState&) override {
    return Metrics{};
  }

  int64_t calls = 0;

 private:
  Trajectory batch_;
  bool refill_;
};

Problem number_problem(const std::string& answer) {
  Problem problem;
  problem.answer = answer;
  problem.answer_kind = AnswerKind::kNumber;
  return problem;
}

struct Collected {
  Rollout rollout;
  int64_t rounds = 0;  // batches the source sampled
};

// Two problems (answers 861 and 42), two samples each: problem 0 has one right and one wrong
// answer; both samples of problem 1 were cut at the length limit with the same text, so their
// rewards are equal. The reward is the accuracy alone (no length or format term).
// `reward` replaces the accuracy-only reward when given; `levels` are the two problems' levels;
// `recent_accuracy` is handed to the collector (the lazy switch).
Collected collect_written(const SampleFilterConfig& filter, bool source_refills,
                          const RewardConfig* reward = nullptr,
                          const std::vector<double>& recent_accuracy = {},
                          std::vector<int64_t> levels = {0, 0},
                          const at::Tensor& forced_mask = {}) {
  const auto tokenizer = make_task_tokenizer();
  TrainingConfig config;
  config.trainer.batch_prompts = 2;
  config.rollout.group_size = 2;
  config.trainer.filter = filter;
  config.reward.length_penalty.kind = PenaltyKind::kNone;
  if (reward != nullptr) config.reward = *reward;
  std::vector<Problem> problems = {number_problem("861"), number_problem("42")};
  problems[0].level = levels[0];
  problems[1].level = levels[1];
  const std::vector<int64_t> no_targets;
  Trajectory written =
      testing::written_batch(*tokenizer,
                             {"<think>1</think><answer>861</answer>",
                              "<think></think><answer>1</answer>", "<think>111", "<think>111"},
                             {true, true, false, false}, {0, 0, 1, 1});
  written.forced_mask = forced_mask;
  WrittenRollouts source(std::move(written), source_refills);
  auto composer = RewardComposer::create(config.reward, config.rollout.max_new_tokens);
  REQUIRE(composer.ok());
  auto group = testing::single_process();
  RolloutCollector collector(config, *group, source, *tokenizer, problems, no_targets,
                             std::move(*composer));
  auto rollout = collector.collect(5, recent_accuracy);
  INFO(rollout.status().ToString());
  REQUIRE(rollout.ok());
  return {std::move(*rollout), source.calls};
}

std::vector<bool> trains(const std::vector<RlSample>& samples) {
  std::vector<bool> out;
  out.reserve(samples.size());
  for (const RlSample& s : samples) out.push_back(s.trains);
  return out;
}

TEST_CASE("scoring: every sample graded and scored, metrics over every sample drawn",
          "[rl_stages]") {
  const Collected c = collect_written(SampleFilterConfig{}, /*source_refills=*/false);
  const Rollout& r = c.rollout;
  CHECK(c.rounds == 1);
  CHECK(r.cursor == 2);
  REQUIRE(r.samples.size() == 4);
  CHECK(r.rewards == std::vector<double>{1, 0, 0, 0});
  CHECK(trains(r.samples) == std::vector<bool>{true, true, true, true});
  CHECK(r.samples[2].finish == FinishReason::kLength);
  CHECK(r.samples[0].policy_version == 5);
  CHECK(r.metrics.at("reward/accuracy") == Approx(0.25));
  CHECK(r.metrics.at("reward/mean") == Approx(0.25));
  CHECK(r.metrics.at("samples/truncated") == Approx(0.5));
  CHECK(r.metrics.at("samples/drawn") == 4);
  CHECK(r.metrics.at("samples/kept") == 1.0);
  // Tokens: 4 tags + "1" + "861" = 8, 4 tags + "1" = 5, and "<think>111" = 4 twice; the eos of a
  // stopped completion is not counted.
  CHECK(r.metrics.at("length/mean") == Approx((8.0 + 5 + 4 + 4) / 4));
  CHECK(r.metrics.at("tokens_per_correct") == Approx(21.0));
}

TEST_CASE("metrics split by outcome and by level", "[rl_stages]") {
  // Without levels: lengths of the correct answer (8) and of the three wrong ones (5, 4, 4).
  Rollout r = collect_written(SampleFilterConfig{}, false).rollout;
  CHECK(r.metrics.at("length/correct") == Approx(8.0));
  CHECK(r.metrics.at("length/wrong") == Approx(13.0 / 3));
  CHECK(r.metrics.count("reward/accuracy@1") == 0);
  // Problem 0 at level 1 (lengths 8 right, 5 wrong), problem 1 at level 3 (4 and 4, both wrong).
  r = collect_written(SampleFilterConfig{}, false, nullptr, {}, {1, 3}).rollout;
  CHECK(r.metrics.at("reward/accuracy@1") == Approx(0.5));
  CHECK(r.metrics.at("reward/accuracy@3") == Approx(0.0));
  CHECK(r.metrics.at("length/mean@1") == Approx(6.5));
  CHECK(r.metrics.at("length/mean@3") == Approx(4.0));
  CHECK(r.metrics.at("tokens_per_correct@1") == Approx(13.0));
  CHECK(r.metrics.count("tokens_per_correct@3") == 0);  // nothing correct at level 3
  // One level alone adds nothing per level.
  r = collect_written(SampleFilterConfig{}, false, nullptr, {}, {2, 2}).rollout;
  CHECK(r.metrics.count("reward/accuracy@2") == 0);
}

TEST_CASE("the lazy switch holds the length term off until accuracy stops falling", "[rl_stages]") {
  // linear, alpha 1, L_max 100: a sample of L tokens gets -L/100 when the term applies.
  RewardConfig reward;
  reward.length_penalty.kind = PenaltyKind::kLinear;
  reward.length_penalty.alpha = 1.0;
  reward.length_penalty.max_length = 100;
  reward.length_penalty.gate.lazy_window = 2;
  // No history: off, the rewards are the accuracy alone.
  Rollout r = collect_written(SampleFilterConfig{}, false, &reward, {}).rollout;
  CHECK(r.metrics.at("reward/length_on") == 0.0);
  CHECK(r.rewards == std::vector<double>{1, 0, 0, 0});
  // Falling accuracy (0.8 -> 0.6): still off.
  r = collect_written(SampleFilterConfig{}, false, &reward, {0.8, 0.6}).rollout;
  CHECK(r.metrics.at("reward/length_on") == 0.0);
  // Rising (0.6 -> 0.8): on; lengths 8, 5, 4, 4 tokens.
  r = collect_written(SampleFilterConfig{}, false, &reward, {0.6, 0.8}).rollout;
  CHECK(r.metrics.at("reward/length_on") == 1.0);
  REQUIRE(r.rewards.size() == 4);
  CHECK(r.rewards[0] == Approx(1 - 0.08));
  CHECK(r.rewards[1] == Approx(-0.05));
  CHECK(r.rewards[2] == Approx(-0.04));
}

TEST_CASE("the lazy switch's accuracy window survives a checkpoint", "[rl_stages]") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("terse_state_" + std::to_string(::getpid()));
  REQUIRE(write_trainer_state(path, {7, 112, {0.5, 0.625}}).ok());
  auto state = read_trainer_state(path);
  REQUIRE(state.ok());
  CHECK(state->step == 7);
  CHECK(state->cursor == 112);
  CHECK(state->recent_accuracy == std::vector<double>{0.5, 0.625});
  // A state without the window (no lazy switch, or an older checkpoint) reads as empty.
  REQUIRE(write_trainer_state(path, {3, 48, {}}).ok());
  state = read_trainer_state(path);
  REQUIRE(state.ok());
  CHECK(state->recent_accuracy.empty());
  std::filesystem::remove(path);
}

TEST_CASE("truncation masking keeps cut samples out of the loss, and in the metrics",
          "[rl_stages]") {
  SampleFilterConfig filter;
  filter.mask_truncated = true;
  const Rollout r = collect_written(filter, false).rollout;
  REQUIRE(r.samples.size() == 4);
  CHECK(trains(r.samples) == std::vector<bool>{true, true, false, false});
  CHECK(r.metrics.at("samples/truncated") == Approx(0.5));
  CHECK(r.metrics.at("reward/accuracy") == Approx(0.25));
}

TEST_CASE("tokens a thinking budget forced train nothing, and are counted", "[rl_stages]") {
  // Sample 0 is "<think>1</think><answer>861</answer>" + eos: say the budget forced its
  // "</think>" (token 2) and "<answer>" (token 3), as force mode with an answer prefix would.
  at::Tensor forced = at::zeros({4, 9});  // [N, T]: T = 9, sample 0's 8 tokens and its eos
  forced[0][2] = 1;
  forced[0][3] = 1;
  const Rollout r =
      collect_written(SampleFilterConfig{}, false, nullptr, {}, {0, 0}, forced).rollout;
  REQUIRE(r.samples.size() == 4);
  CHECK(r.metrics.at("samples/forced") == Approx(0.25));
  CHECK(r.samples[0].forced.size() == r.samples[0].completion_ids.size());
  CHECK(r.samples[1].forced.empty());
  // The micro-batch's loss mask: every token of every sample but the two forced ones.
  const RlMicroBatch batch = make_rl_micro_batch(sample_pointers(r.samples), 0, at::kCPU);
  // Lengths: 8 + eos, 5 + eos, 4, 4.
  const at::Tensor expected = at::zeros({4, 9});  // [N, T]
  const int64_t lengths[] = {9, 6, 4, 4};
  for (int64_t i = 0; i < 4; ++i) expected[i].narrow(0, 0, lengths[i]).fill_(1);
  expected[0][2] = 0;
  expected[0][3] = 0;
  CHECK(at::equal(batch.mask, expected));
  // Without a budget nothing is forced.
  const Rollout free_run = collect_written(SampleFilterConfig{}, false).rollout;
  CHECK(free_run.metrics.at("samples/forced") == 0);
  CHECK(free_run.samples[0].forced.empty());
}

TEST_CASE("dynamic sampling drops groups of equal rewards; refill draws again", "[rl_stages]") {
  SampleFilterConfig filter;
  filter.dynamic_sampling = true;
  SECTION("without refill: one round, problem 0's group alone trains") {
    const Collected c = collect_written(filter, /*source_refills=*/true);
    CHECK(c.rounds == 1);
    REQUIRE(c.rollout.samples.size() == 2);
    CHECK(c.rollout.samples[0].group_id == 0);
    CHECK(c.rollout.samples[1].group_id == 0);
    CHECK(c.rollout.rewards == std::vector<double>{1, 0});
    CHECK(c.rollout.metrics.at("samples/drawn") == 4);
    CHECK(c.rollout.metrics.at("samples/kept") == Approx(0.5));
  }
  SECTION("with refill: a second round fills the batch's second group") {
    filter.refill = true;
    const Collected c = collect_written(filter, /*source_refills=*/true);
    CHECK(c.rounds == 2);
    CHECK(c.rollout.cursor == 4);
    REQUIRE(c.rollout.samples.size() == 4);
    CHECK(c.rollout.rewards == std::vector<double>{1, 0, 1, 0});
    CHECK(c.rollout.metrics.at("samples/drawn") == 8);
    CHECK(c.rollout.metrics.at("samples/kept") == Approx(0.5));
    // Accuracy covers every sample drawn: 2 right of 8.
    CHECK(c.rollout.metrics.at("reward/accuracy") == Approx(0.25));
  }
  SECTION("a source that cannot refill (disaggregated) samples one round") {
    filter.refill = true;
    const Collected c = collect_written(filter, /*source_refills=*/false);
    CHECK(c.rounds == 1);
    CHECK(c.rollout.samples.size() == 2);
  }
}

// A sample of `length` completion tokens answering problem `group`.
RlSample sample_of(int64_t group, int64_t length) {
  RlSample s;
  s.group_id = group;
  s.completion_ids.assign(static_cast<size_t>(length), 7);
  return s;
}

TEST_CASE("GFPO trains the k shortest of each group, advantages relative to them", "[rl_stages]") {
  TrainingConfig config;
  config.trainer.filter.gfpo_keep = 2;
  auto group = testing::single_process();
  const auto algorithm =
      make_rl_algorithm(config, Transformer{nullptr}, Transformer{nullptr}, *group, 0, at::kCPU);
  // Group 0 keeps lengths 1 and 2 (rewards 1 and 0.5); group 1 keeps lengths 2 and 1 (1 and 0).
  std::vector<RlSample> samples = {sample_of(0, 4), sample_of(0, 1), sample_of(0, 3),
                                   sample_of(0, 2), sample_of(1, 2), sample_of(1, 3),
                                   sample_of(1, 1), sample_of(1, 4)};
  const std::vector<double> rewards = {0, 1, 0, 0.5, 1, 0, 0, 1};
  REQUIRE(algorithm->set_advantages(samples, rewards).ok());
  CHECK(trains(samples) == std::vector<bool>{false, true, false, true, true, false, true, false});
  // Two kept rewards a > b: centred +-(a - b)/2, sample std |a - b| / sqrt(2): +-1/sqrt(2).
  const double a = 1 / std::sqrt(2.0);
  CHECK(samples[1].advantage == Approx(a).epsilon(1e-5));
  CHECK(samples[3].advantage == Approx(-a).epsilon(1e-5));
  CHECK(samples[4].advantage == Approx(a).epsilon(1e-5));
  CHECK(samples[6].advantage == Approx(-a).epsilon(1e-5));

  // Without GFPO every sample trains, relative to its whole group.
  config.trainer.filter.gfpo_keep = 0;
  const auto grpo =
      make_rl_algorithm(config, Transformer{nullptr}, Transformer{nullptr}, *group, 0, at::kCPU);
  for (RlSample& s : samples) s.trains = true;
  REQUIRE(grpo->set_advantages(samples, rewards).ok());
  CHECK(trains(samples) == std::vector<bool>(8, true));
  // Group 0: rewards 0, 1, 0, 0.5, mean 0.375; sample 1 is 0.625 above it.
  const double mean = 0.375;
  double ss = 0;
  for (const double r : {0.0, 1.0, 0.0, 0.5}) ss += (r - mean) * (r - mean);
  CHECK(samples[1].advantage == Approx(0.625 / std::sqrt(ss / 3)).epsilon(1e-5));
}

}  // namespace
}  // namespace terse
