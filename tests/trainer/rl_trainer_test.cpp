// The RL run loop: log-probs read at the right positions, GRPO raising the reward of a tiny task,
// micro-batching that leaves the update unchanged, the sample filters, PPO with either critic,
// and a run stopped and resumed that repeats the uninterrupted one.
#include "trainer/rl_trainer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <random>
#include <sstream>
#include <thread>
#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "core/config_writer.h"
#include "core/metrics_log.h"
#include "core/run_dir.h"
#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/test_util.h"
#include "tests/trainer/metrics_compare.h"
#include "tests/trainer/run_helpers.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using testing::MetricsLines;
using testing::TempDir;

TrainingConfig tiny_rl_config(const std::filesystem::path& dir, const std::string& name) {
  TrainingConfig config;
  config.run.dir = dir.string();
  config.run.name = name;
  config.run.seed = 3;
  config.model.hidden_size = 32;
  config.model.num_layers = 1;
  config.model.num_heads = 2;
  config.model.num_kv_heads = 2;
  config.model.intermediate_size = 64;
  config.model.max_seq_len = 128;
  config.data.train_size = 64;
  config.data.test_size = 16;
  config.rollout.group_size = 4;
  config.rollout.max_new_tokens = 24;
  config.trainer.batch_prompts = 4;
  config.trainer.lr = 1e-2;
  config.trainer.eval_every = 0;
  config.trainer.save_every = 0;
  config.trainer.eval_problems = 8;
  // The reward of a fresh model: accuracy is 0, so only the length term moves it.
  config.reward.length_penalty.kind = PenaltyKind::kLinear;
  config.reward.length_penalty.alpha = 1.0;
  return config;
}

// Trains `config` in its run directory; returns the metrics it logged.
MetricsLines train(const TrainingConfig& config) {
  const std::filesystem::path run_dir = testing::prepare_test_run(config);
  auto group = testing::single_process();
  auto trainer = RlTrainer::create(config, run_dir, *group);
  INFO(trainer.status().ToString());
  REQUIRE(trainer.ok());
  std::ostringstream console;
  const absl::Status status = (*trainer)->run(console);
  INFO(status.ToString());
  REQUIRE(status.ok());
  auto metrics = read_metrics_log(run_dir / kMetricsFile);
  REQUIRE(metrics.ok());
  return *metrics;
}

double mean_of(const MetricsLines& lines, size_t begin, size_t end, const std::string& key) {
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += lines[i].second.at(key);
  return sum / static_cast<double>(end - begin);
}

TEST_CASE("RL log-probs are read where each completion token is predicted", "[rl]") {
  ModelConfig model_config;
  model_config.vocab_size = 20;
  model_config.hidden_size = 16;
  model_config.num_layers = 1;
  model_config.num_heads = 2;
  model_config.num_kv_heads = 2;
  model_config.intermediate_size = 32;
  model_config.max_seq_len = 32;
  auto model = make_model(model_config, 1, torch::kCPU);
  REQUIRE(model.ok());
  RlSample a;  // prompt of 3, completion of 2
  a.prompt_ids = {1, 5, 6};
  a.completion_ids = {7, 2};
  a.old_logprobs = {0, 0};
  RlSample b;  // prompt of 1, completion of 4
  b.prompt_ids = {1};
  b.completion_ids = {9, 8, 3, 2};
  b.old_logprobs = {0, 0, 0, 0};
  const double temperature = 0.7;
  const RlMicroBatch batch = make_rl_micro_batch({&a, &b}, 0, torch::kCPU);
  const torch::Tensor logprobs =
      policy_forward(*model, batch, temperature, false).logprobs;  // [2, 4]
  REQUIRE(logprobs.sizes() == torch::IntArrayRef({2, 4}));
  // Independently: one unpadded forward per sequence, log softmax(logits / T) at each token.
  for (const RlSample* s : {&a, &b}) {
    std::vector<int64_t> ids = s->prompt_ids;
    ids.insert(ids.end(), s->completion_ids.begin(), s->completion_ids.end());
    const auto t = static_cast<int64_t>(ids.size());
    const torch::Tensor input = torch::tensor(ids).unsqueeze(0);  // [1, t]
    const torch::Tensor hidden =
        (*model)->forward(input, torch::ones({1, t}, torch::kLong), torch::arange(t).unsqueeze(0));
    const torch::Tensor logp =
        torch::log_softmax((*model)->logits(hidden)[0] / temperature, -1);  // [t, V]
    const int64_t row = s == &a ? 0 : 1;
    const auto p = static_cast<int64_t>(s->prompt_ids.size());
    for (size_t j = 0; j < s->completion_ids.size(); ++j) {
      INFO("row " << row << " token " << j);
      const int64_t position = p - 1 + static_cast<int64_t>(j);  // predicts completion token j
      CHECK(logprobs[row][static_cast<int64_t>(j)].item<double>() ==
            Approx(logp[position][s->completion_ids[j]].item<double>()).margin(1e-5));
    }
  }
  // Padding after a completion is masked out.
  CHECK(batch.mask[0][2].item<float>() == 0.0F);
  CHECK(batch.mask[1][3].item<float>() == 1.0F);
}

TEST_CASE("GRPO raises the reward of a tiny task", "[rl]") {
  TempDir dir;
  TrainingConfig config = tiny_rl_config(dir.path(), "learns");
  config.trainer.steps = 20;
  const MetricsLines metrics = train(config);
  REQUIRE(metrics.size() == 20);
  // Reward = -alpha * length / 24 here: the policy learns to end early. Measured: the mean
  // reward of steps 1-3 is -0.92 (21.5 tokens), of steps 18-20 -0.05 (1.2 tokens).
  const double before = mean_of(metrics, 0, 3, "reward/mean");
  const double after = mean_of(metrics, 17, 20, "reward/mean");
  CHECK(before < -0.7);
  CHECK(after > before + 0.5);
  CHECK(mean_of(metrics, 17, 20, "length/mean") < 0.5 * mean_of(metrics, 0, 3, "length/mean"));
  for (const char* key :
       {"step", "reward/mean", "reward/accuracy", "reward/length_penalty", "length/mean",
        "length/p90", "tokens_per_correct", "policy/kl", "policy/entropy", "policy/clip_frac",
        "loss", "grad_norm", "lr", "time/rollout_s", "time/train_s", "tokens_per_s",
        "time/cpu_user_s", "time/cpu_sys_s", "time/page_faults"}) {
    INFO(key);
    CHECK((metrics.back().second.count(key) == 1 || std::string(key) == "step"));
  }
  // Every sample of a fresh model is wrong: the reward is the length term alone.
  CHECK(metrics[0].second.at("reward/mean") == metrics[0].second.at("reward/length_penalty"));
}

// The weights after training `config` for its steps, flattened.
torch::Tensor weights_after(const TrainingConfig& config) {
  const std::filesystem::path run_dir = testing::prepare_test_run(config);
  auto group = testing::single_process();
  auto trainer = RlTrainer::create(config, run_dir, *group);
  REQUIRE(trainer.ok());
  for (int64_t i = 0; i < config.trainer.steps; ++i) REQUIRE((*trainer)->train_step().ok());
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& p : (*trainer)->model()->parameters()) {
    flat.push_back(p.detach().flatten());
  }
  return torch::cat(flat);
}

TEST_CASE("micro-batches of any token budget give the same update", "[rl]") {
  TempDir dir;
  for (const LossAggregation mode :
       {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenMean,
        LossAggregation::kSeqMeanTokenSumNorm}) {
    TrainingConfig whole = tiny_rl_config(dir.path(), "whole" + std::to_string(int(mode)));
    whole.trainer.steps = 1;
    whole.trainer.lr = 1e-3;
    whole.trainer.loss.aggregation = mode;
    whole.trainer.micro_batch_tokens = 100000;
    TrainingConfig parts = whole;
    parts.run.name = "parts" + std::to_string(int(mode));
    parts.trainer.micro_batch_tokens = 30;  // about one sequence each
    const torch::Tensor a = weights_after(whole);
    const torch::Tensor b = weights_after(parts);
    INFO("aggregation " << int(mode));
    // AdamW's first step moves each weight by about lr * g / |g|: float rounding of the summed
    // gradients can only show where g is near 0. Measured: at most 3e-6 (0.3% of a step).
    CHECK((a - b).abs().max().item<double>() < 1e-5);
    CHECK((a - weights_after([&] {
             TrainingConfig none = whole;
             none.run.name = "none" + std::to_string(int(mode));
             none.trainer.steps = 0;
             return none;
           }()))
              .abs()
              .max()
              .item<double>() > 5e-4);  // and the step did move the weights
  }
}

TEST_CASE("dynamic sampling, GFPO and truncation masking choose what trains", "[rl]") {
  TempDir dir;
  SECTION("groups whose rewards are all equal are dropped, and nothing is updated") {
    TrainingConfig config = tiny_rl_config(dir.path(), "dynamic");
    config.reward.length_penalty.kind = PenaltyKind::kNone;  // every reward is 0
    config.trainer.filter.dynamic_sampling = true;
    config.trainer.filter.refill = true;
    config.trainer.steps = 1;
    const TrainingConfig same = config;
    const torch::Tensor before = [&] {
      TrainingConfig untouched = same;
      untouched.run.name = "untouched";
      untouched.trainer.steps = 0;
      return weights_after(untouched);
    }();
    const MetricsLines metrics = train(config);
    CHECK(metrics[0].second.at("samples/kept") == 0.0);
    // Refill drew kMaxRefillRounds = 4 batches looking for informative groups.
    CHECK(metrics[0].second.at("samples/drawn") == 4 * 4 * 4);
    TrainingConfig again = config;
    again.run.name = "dynamic_weights";
    CHECK(torch::equal(weights_after(again), before));
  }
  SECTION("GFPO trains on k of each group (which ones: tests/trainer/rl_stages_test.cpp)") {
    TrainingConfig config = tiny_rl_config(dir.path(), "gfpo");
    config.trainer.filter.gfpo_keep = 2;
    config.trainer.steps = 1;
    TrainingConfig weights = config;
    weights.run.name = "gfpo_weights";
    TrainingConfig all = config;
    all.run.name = "gfpo_off";
    all.trainer.filter.gfpo_keep = 0;
    // The same samples (the seed is the same), but only half of them reach the loss.
    CHECK_FALSE(torch::equal(weights_after(weights), weights_after(all)));
    const MetricsLines metrics = train(config);
    CHECK(std::isfinite(metrics[0].second.at("loss")));
  }
}

TEST_CASE("PPO learns with a value head or a separate critic", "[rl][ppo]") {
  TempDir dir;
  for (const bool separate : {false, true}) {
    INFO("separate critic: " << separate);
    TrainingConfig config = tiny_rl_config(dir.path(), separate ? "critic" : "head");
    config.trainer.algorithm = Algorithm::kPpo;
    config.trainer.ppo.separate_critic = separate;
    config.trainer.steps = 20;
    config.trainer.save_every = 20;
    const MetricsLines metrics = train(config);
    REQUIRE(metrics.size() == 20);
    for (const auto& [step, m] : metrics) {
      CHECK(std::isfinite(m.at("value/loss")));
      CHECK(std::isfinite(m.at("loss")));
    }
    // As in the GRPO test, the reward is the length term alone: the policy learns to end early,
    // and the critic learns its returns. Measured (steps 1-3 -> 18-20): reward -0.90 -> -0.03
    // (value head) and -0.88 -> -0.02 (critic); value loss 0.11 -> 0.0014 and 0.097 -> 0.0025.
    const double before = mean_of(metrics, 0, 3, "reward/mean");
    const double after = mean_of(metrics, 17, 20, "reward/mean");
    CHECK(before < -0.7);
    CHECK(after > before + 0.5);
    CHECK(mean_of(metrics, 17, 20, "value/loss") < 0.25 * mean_of(metrics, 0, 3, "value/loss"));
    const std::filesystem::path checkpoint = dir / config.run.name / "checkpoints/step-00000020";
    CHECK(std::filesystem::exists(checkpoint / kCriticDir / "model.safetensors") == separate);
  }
}

TEST_CASE("RL stopped and resumed writes the metrics of an uninterrupted run", "[rl]") {
  TempDir dir;
  for (const Algorithm algorithm : {Algorithm::kGrpo, Algorithm::kPpo}) {
    const std::string tag = algorithm == Algorithm::kGrpo ? "grpo" : "ppo";
    INFO(tag);
    TrainingConfig straight = tiny_rl_config(dir.path(), "straight_" + tag);
    straight.trainer.algorithm = algorithm;
    straight.trainer.steps = 6;
    straight.trainer.save_every = 3;
    straight.trainer.eval_every = 2;
    straight.trainer.epochs = 2;
    straight.trainer.minibatches = 2;
    straight.trainer.loss.kl = KlEstimator::kK3;
    straight.trainer.loss.kl_coef = 0.1;
    const MetricsLines expected = train(straight);

    TrainingConfig first_half = straight;
    first_half.run.name = "resumed_" + tag;
    first_half.trainer.steps = 3;
    REQUIRE(train(first_half).size() == 3);
    TrainingConfig second_half = first_half;
    second_half.trainer.steps = 6;
    second_half.run.resume = true;
    const MetricsLines resumed = train(second_half);

    REQUIRE(expected.size() == 6);
    testing::check_metrics_cover(expected, resumed);
    CHECK(expected[1].second.count("eval/accuracy") == 1);
    CHECK(expected[5].second.at("policy/kl") > 0);
    const std::filesystem::path a = dir / straight.run.name / "checkpoints/step-00000006";
    const std::filesystem::path b = dir / first_half.run.name / "checkpoints/step-00000006";
    CHECK(testing::read_file(a / "model.safetensors") ==
          testing::read_file(b / "model.safetensors"));
  }
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

TEST_CASE("terse train writes a run directory, and trains with L1's prompted length targets",
          "[rl][cli]") {
  TempDir dir;
  const std::string common =
      " run.dir=" + dir.path().string() +
      " model.hidden_size=32 model.num_layers=1 model.num_heads=2 model.num_kv_heads=2 "
      "model.intermediate_size=64 model.max_seq_len=128 data.train_size=32 data.test_size=8 "
      "rollout.group_size=4 rollout.max_new_tokens=16 trainer.batch_prompts=2 trainer.steps=2 "
      "trainer.eval_every=2 trainer.eval_problems=4 trainer.log_samples=3 trainer.save_every=0 "
      "reward.length_penalty.kind=linear reward.length_penalty.alpha=0.5";
  const auto result = testing::run_command(testing::terse_command("train run.name=cli" + common));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const std::filesystem::path run = dir / "cli";
  auto metrics = read_metrics_log(run / kMetricsFile);
  REQUIRE(metrics.ok());
  REQUIRE(metrics->size() == 2);
  CHECK(metrics->back().second.count("eval/accuracy") == 1);
  CHECK(metrics->back().second.count("eval/tokens_per_correct") == 1);
  const std::string samples = testing::read_file(run / kSamplesFile);
  CHECK(std::count(samples.begin(), samples.end(), '\n') == 3);
  CHECK(samples.find("\"completion\"") != std::string::npos);
  std::filesystem::path events;
  for (const auto& entry : std::filesystem::directory_iterator(run)) {
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      events = entry.path();
    }
  }
  REQUIRE(!events.empty());
  // TensorBoard's own format, read back by an independent reader (protobuf's Event schema).
  const auto read = testing::run_command("/usr/bin/python3 '" + std::string(TERSE_SOURCE_DIR) +
                                         "/tests/core/read_tfevents.py' '" + events.string() + "'");
  INFO(read.err);
  CHECK(read.exit_code == 0);
  CHECK_THAT(read.out, Catch::Contains("\"reward/mean\""));
  CHECK_THAT(read.out, Catch::Contains("\"eval/accuracy\""));
  CHECK_THAT(read.out, Catch::Contains("\"step\": 2"));
  for (const char* file : {"model.safetensors", "optimizer.pt", "trainer_state.json"}) {
    INFO(file);
    CHECK(std::filesystem::exists(run / "checkpoints/step-00000002" / file));
  }
  CHECK(result.out.find("step 2/2") != std::string::npos);

  // L1-Exact with a fixed target of 500 tokens: every prompt asks for it, and as no completion
  // can pass 16 tokens, each sample's term is -0.001 * (500 - L), so the mean term is
  // -0.001 * (500 - mean L).
  const auto l1 = testing::run_command(testing::terse_command(
      "train run.name=l1" + common +
      " reward.length_penalty.kind=l1_exact reward.length_penalty.alpha=0.001"
      " reward.length_penalty.l1.target_min=500 reward.length_penalty.l1.target_max=500"));
  INFO(l1.out << l1.err);
  REQUIRE(l1.exit_code == 0);
  const MetricsLines l1_lines = read_metrics_log(dir.path() / "l1/metrics.jsonl").value();
  REQUIRE(l1_lines.size() == 2);
  for (const auto& [step, m] : l1_lines) {
    INFO("step " << step);
    CHECK(m.at("reward/length_penalty") ==
          Approx(-0.001 * (500 - m.at("length/mean"))).epsilon(1e-9));
  }
  const std::string l1_samples = testing::read_file(dir.path() / "l1/samples.jsonl");
  CHECK_THAT(l1_samples, Catch::Contains("\\n\\nThink for 500 tokens.\""));

  // An effort mode asking for no thinking (budget 0) on every prompt: its instruction ends each
  // prompt and each sample's term is -0.001 * |0 - L|.
  const auto effort = testing::run_command(testing::terse_command(
      "train run.name=effort" + common +
      " reward.length_penalty.kind=l1_exact reward.length_penalty.alpha=0.001"
      " 'reward.effort.modes=[instant]' 'reward.effort.instructions=[Answer at once.]'"
      " 'reward.effort.budgets=[0]'"));
  INFO(effort.out << effort.err);
  REQUIRE(effort.exit_code == 0);
  const MetricsLines effort_lines = read_metrics_log(dir.path() / "effort/metrics.jsonl").value();
  REQUIRE(effort_lines.size() == 2);
  for (const auto& [step, m] : effort_lines) {
    INFO("step " << step);
    CHECK(m.at("reward/length_penalty") == Approx(-0.001 * m.at("length/mean")).epsilon(1e-9));
  }
  const std::string effort_samples = testing::read_file(dir.path() / "effort/samples.jsonl");
  CHECK_THAT(effort_samples, Catch::Contains("\\n\\nAnswer at once.\""));
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

using testing::without_timing;

using testing::start_terse;

TEST_CASE("terse train killed with SIGKILL again and again resumes to the uninterrupted result",
          "[rl][kill]") {
  TempDir dir;
  const std::string common =
      " run.dir=" + dir.path().string() +
      " model.hidden_size=32 model.num_layers=1 model.num_heads=2 model.num_kv_heads=2 "
      "model.intermediate_size=64 model.max_seq_len=128 data.train_size=32 data.test_size=8 "
      "rollout.group_size=4 rollout.max_new_tokens=16 trainer.batch_prompts=2 trainer.steps=40 "
      "trainer.eval_every=4 trainer.eval_problems=4 trainer.save_every=1 trainer.lr=0.01 "
      "reward.length_penalty.kind=linear reward.length_penalty.alpha=1";
  const auto straight =
      testing::run_command(testing::terse_command("train run.name=straight" + common));
  REQUIRE(straight.exit_code == 0);

  // Ten times: start (or resume) the run, wait until it has logged 1-3 more steps, then a random
  // 0-20 ms more, and SIGKILL it; then let it finish. Waiting for progress rather than for a
  // time makes every attempt end in a kill however fast the machine, at a moment that can be in
  // sampling, an update, an evaluation or a checkpoint's writes.
  std::mt19937 rng(7);
  const fs::path metrics_file = dir / "killed" / kMetricsFile;
  const auto logged_steps = [&] {
    const std::string text = testing::read_file(metrics_file);
    return static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
  };
  int kills = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    const std::string resume = attempt == 0 ? "" : " run.resume=true";
    const int64_t before = fs::exists(metrics_file) ? logged_steps() : 0;
    const int64_t target = before + 1 + static_cast<int64_t>(rng() % 3);
    const pid_t pid = start_terse(absl::StrCat("train run.name=killed", common, resume));
    REQUIRE(pid > 0);
    int status = 0;
    bool exited = false;
    while (!(fs::exists(metrics_file) && logged_steps() >= target)) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE_FALSE(exited);  // the run never ends on its own before its kill
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 21));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++kills;
  }
  const auto final_run = testing::run_command(
      testing::terse_command("train run.name=killed" + common + " run.resume=true"));
  INFO(final_run.err);
  const bool done = final_run.exit_code == 0;
  REQUIRE(done);
  INFO("kills survived: " << kills);
  CHECK(kills == 10);
  const auto expected = read_metrics_log(dir / "straight" / kMetricsFile);
  const auto resumed = read_metrics_log(dir / "killed" / kMetricsFile);
  REQUIRE(expected.ok());
  REQUIRE(resumed.ok());
  CHECK(without_timing(*resumed) == without_timing(*expected));
  CHECK(testing::read_file(dir / "straight/checkpoints/step-00000040/model.safetensors") ==
        testing::read_file(dir / "killed/checkpoints/step-00000040/model.safetensors"));
  CHECK(testing::read_file(dir / "straight" / kSamplesFile) ==
        testing::read_file(dir / "killed" / kSamplesFile));
}

}  // namespace
}  // namespace terse

namespace terse {
namespace {

TEST_CASE("a run directory in use is refused, and free again once its process dies",
          "[sft][cli][lock]") {
  TempDir dir;
  const std::string common =
      " run.dir=" + dir.path().string() +
      " run.name=busy model.hidden_size=32 model.num_layers=1 model.num_heads=2 "
      "model.num_kv_heads=2 model.intermediate_size=64 data.train_size=32 data.test_size=8 "
      "trainer.sft.batch_size=4 trainer.eval_every=0 trainer.save_every=1";
  const fs::path metrics_file = dir / "busy" / kMetricsFile;
  const pid_t pid = start_terse("sft trainer.steps=100000" + common);
  REQUIRE(pid > 0);
  // Wait until the first run has logged a step (so it owns its directory and has a checkpoint).
  while (!(fs::exists(metrics_file) && !testing::read_file(metrics_file).empty())) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, WNOHANG) == 0);  // still running
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Neither resuming nor overwriting may enter it: exit 2, naming the directory and the holder.
  for (const char* mode : {" run.resume=true", " run.overwrite=true"}) {
    const auto second =
        testing::run_command(testing::terse_command("sft trainer.steps=3" + common + mode));
    INFO(mode << ": " << second.err);
    CHECK(second.exit_code == 2);
    CHECK_THAT(second.err, Catch::Contains((dir / "busy").string() + "` is in use by process " +
                                           std::to_string(pid)));
  }
  CHECK(fs::exists(metrics_file));  // the overwrite deleted nothing
  int status = 0;
  CHECK(waitpid(pid, &status, WNOHANG) == 0);  // and the first run goes on
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  // The kernel released the lock with the process: the run resumes from its checkpoint.
  // (trainer.steps=1 is behind the checkpoint, so it ends at once.)
  const auto resumed = testing::run_command(
      testing::terse_command("sft trainer.steps=1" + common + " run.resume=true"));
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("from step"));
}

}  // namespace
}  // namespace terse
