// Supervised fine-tuning: the loss counts completion tokens only (against a hand-summed
// log-probability), micro-batches add up to the whole batch, the data order resumes, the loss
// falls on a tiny task, and a run stopped and resumed equals an uninterrupted one.
#include "trainer/sft_trainer.h"

#include <cmath>
#include <sstream>
#include <torch/torch.h>

#include "core/metrics_log.h"
#include "data/completion.h"
#include "data/dataset.h"
#include "data/task_tokenizer.h"
#include "models/hf_checkpoint.h"
#include "models/safetensors.h"
#include "reward/length_target.h"
#include "tests/catch.h"
#include "tests/test_util.h"
#include "tests/trainer/run_helpers.h"
#include "tokenizers/tokenizer_loader.h"
#include "trainer/epoch_sampler.h"
#include "trainer/grad_clip.h"
#include "trainer/sft_batch.h"

namespace terse {
namespace {

using testing::TempDir;

ModelConfig tiny_model_config() {
  ModelConfig config;
  config.vocab_size = 104;
  config.hidden_size = 32;
  config.num_layers = 2;
  config.num_heads = 2;
  config.num_kv_heads = 2;
  config.intermediate_size = 64;
  config.max_seq_len = 512;
  return config;
}

// -sum of log p(ids[t] | ids[<t]) for t >= from, from one unpadded forward pass of `ids`.
double manual_completion_nll(Transformer& model, const std::vector<int64_t>& ids, int64_t from) {
  const auto t = static_cast<int64_t>(ids.size());
  const torch::Tensor input = torch::tensor(ids, torch::kLong).unsqueeze(0);  // [1, T]
  const torch::Tensor hidden = model->forward(input, torch::ones({1, t}, torch::kLong),
                                              torch::arange(t, torch::kLong).unsqueeze(0));
  const torch::Tensor logp = torch::log_softmax(model->logits(hidden)[0], -1);  // [T, V]
  double nll = 0;
  // Position p predicts token p + 1.
  for (int64_t p = from - 1; p + 1 < t; ++p) nll -= logp[p][ids[p + 1]].item<double>();
  return nll;
}

TEST_CASE("SFT loss counts the completion tokens only", "[sft]") {
  auto made = make_model(tiny_model_config(), 7);
  REQUIRE(made.ok());
  Transformer model = *made;
  // [bos] 10 11 12 | 20 21 [eos]: 3 prompt tokens after bos, 2 completion tokens and eos.
  const SftExample a{{1, 10, 11, 12, 20, 21, 2}, 4};
  // [bos] 13 | 22 [eos].
  const SftExample b{{1, 13, 22, 2}, 2};
  CHECK(sft_loss_tokens(a) == 3);
  CHECK(sft_loss_tokens(b) == 2);
  const SftBatch batch = make_sft_batch({&a, &b}, /*pad_id=*/0, at::kCPU);
  REQUIRE(batch.inputs.sizes() == at::IntArrayRef({2, 6}));
  CHECK(batch.inputs[1].equal(torch::tensor({1, 13, 22, 0, 0, 0}, torch::kLong)));
  CHECK(batch.targets[0].equal(torch::tensor({10, 11, 12, 20, 21, 2}, torch::kLong)));
  CHECK(batch.attention_mask[1].equal(torch::tensor({1, 1, 1, 0, 0, 0}, torch::kLong)));
  // Targets 20, 21, eos of a; 22, eos of b.
  CHECK(batch.loss_mask.equal(torch::tensor({{0, 0, 0, 1, 1, 1}, {0, 1, 1, 0, 0, 0}}, at::kFloat)));
  CHECK(batch.loss_tokens == 5);
  CHECK(batch.tokens == 9);

  const double expected =
      manual_completion_nll(model, a.ids, 4) + manual_completion_nll(model, b.ids, 2);
  const double loss = sft_loss_sum(model, batch).item<double>();
  CHECK(loss == Approx(expected).epsilon(1e-5));
  // The prompt tokens would add to it: the sum over every token is clearly larger.
  const double all_tokens =
      manual_completion_nll(model, a.ids, 1) + manual_completion_nll(model, b.ids, 1);
  CHECK(all_tokens - loss > 5.0);
}

// The first `count` training problems of the default task with their long traces.
std::vector<SftExample> long_examples(int64_t count) {
  const std::unique_ptr<CharTokenizer> tokenizer = make_task_tokenizer();
  DataConfig data;
  data.train_size = count;
  auto problems = load_split(data, Split::kTrain);
  REQUIRE(problems.ok());
  auto examples = make_sft_examples(*tokenizer, *problems, SftTarget::kLong, 512);
  REQUIRE(examples.ok());
  return *std::move(examples);
}

TEST_CASE("bf16 products train float32 weights with float32 gradients", "[sft][bf16]") {
  // The same weights with float32 products and with bf16 autocast.
  ModelConfig config = tiny_model_config();
  auto exact = make_model(config, 3);
  config.compute_dtype = ComputeDType::kBFloat16;
  auto mixed = make_model(config, 3);
  REQUIRE(exact.ok());
  REQUIRE(mixed.ok());
  REQUIRE((*mixed)->bf16_autocast());
  const std::vector<SftExample> examples = long_examples(4);
  std::vector<const SftExample*> all;
  all.reserve(examples.size());
  for (const SftExample& e : examples) all.push_back(&e);
  const SftBatch batch = make_sft_batch(all, 0, at::kCPU);
  const at::Tensor exact_loss = sft_loss_sum(*exact, batch);
  const at::Tensor mixed_loss = sft_loss_sum(*mixed, batch);
  REQUIRE(mixed_loss.scalar_type() == at::kFloat);
  // bf16 keeps 8 bits of mantissa: the loss moves, by well under a percent.
  CHECK(mixed_loss.item<double>() != exact_loss.item<double>());
  CHECK(mixed_loss.item<double>() == Approx(exact_loss.item<double>()).epsilon(0.01));
  exact_loss.backward();
  mixed_loss.backward();
  const auto exact_params = (*exact)->named_parameters();
  for (const auto& p : (*mixed)->named_parameters()) {
    INFO(p.key());
    REQUIRE(p.value().grad().defined());
    CHECK(p.value().scalar_type() == at::kFloat);
    CHECK(p.value().grad().scalar_type() == at::kFloat);
    const at::Tensor reference = exact_params[p.key()].grad();
    const double cosine =
        (p.value().grad() * reference).sum().item<double>() /
        (p.value().grad().norm().item<double>() * reference.norm().item<double>() + 1e-30);
    CHECK(cosine > 0.99);
  }
}

TEST_CASE("SFT micro-batches add up to the whole batch", "[sft]") {
  auto made = make_model(tiny_model_config(), 3);
  REQUIRE(made.ok());
  Transformer model = *made;
  const std::vector<SftExample> examples = long_examples(6);
  std::vector<const SftExample*> all;
  size_t longest = 0;
  for (const SftExample& e : examples) {
    all.push_back(&e);
    longest = std::max(longest, e.ids.size());
  }
  const auto parts = split_micro_batches(all, static_cast<int64_t>(2 * longest));
  REQUIRE(parts.size() >= 3);
  size_t count = 0;
  double summed = 0;
  for (const auto& part : parts) {
    size_t part_longest = 0;  // padded size within the budget of two longest sequences
    for (const SftExample* e : part) part_longest = std::max(part_longest, e->ids.size());
    CHECK(part.size() * part_longest <= 2 * longest);
    count += part.size();
    summed += sft_loss_sum(model, make_sft_batch(part, 0, at::kCPU)).item<double>();
  }
  CHECK(count == all.size());
  CHECK(split_micro_batches(all, 1).size() == all.size());
  const double whole = sft_loss_sum(model, make_sft_batch(all, 0, at::kCPU)).item<double>();
  CHECK(summed == Approx(whole).epsilon(1e-5));
}

TEST_CASE("SFT examples are [bos] prompt completion [eos]", "[sft]") {
  const std::unique_ptr<CharTokenizer> tokenizer = make_task_tokenizer();
  DataConfig data;
  data.train_size = 3;
  auto problems = load_split(data, Split::kTrain);
  REQUIRE(problems.ok());
  for (const SftTarget target : {SftTarget::kLong, SftTarget::kCore, SftTarget::kDirect}) {
    auto examples = make_sft_examples(*tokenizer, *problems, target, 512);
    REQUIRE(examples.ok());
    for (size_t i = 0; i < problems->size(); ++i) {
      const Problem& p = (*problems)[i];
      const SftExample& e = (*examples)[i];
      const auto prompt = static_cast<int64_t>(p.prompt.size());  // ASCII: one token a character
      CHECK(e.prompt_tokens == 1 + prompt);
      CHECK(e.ids.front() == *tokenizer->special_ids().bos);
      CHECK(e.ids.back() == *tokenizer->special_ids().eos);
      const std::string completion = sft_completion(p, target);
      CHECK(static_cast<int64_t>(e.ids.size()) == 1 + prompt + count_tokens(completion) + 1);
      CHECK(e.ids[e.prompt_tokens] == *tokenizer->token_to_id("<think>"));
    }
  }
  CHECK(sft_completion((*problems)[0], SftTarget::kDirect) == direct_completion((*problems)[0]));
  const auto too_long = make_sft_examples(*tokenizer, *problems, SftTarget::kLong, 20);
  CHECK(too_long.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(too_long.status().message().find("model.max_seq_len") != std::string::npos);
}

TEST_CASE("effort SFT: a mode's instruction in the prompt, its target by its budget",
          "[sft][effort]") {
  const std::unique_ptr<CharTokenizer> tokenizer = make_task_tokenizer();
  DataConfig data;
  data.train_size = 60;
  auto problems = load_split(data, Split::kTrain);
  REQUIRE(problems.ok());
  const std::vector<Problem> plain = *problems;
  RewardConfig reward;
  reward.effort.modes = {"instant", "brief", "thinking"};
  reward.effort.instructions = {"Answer at once.", "Think briefly.", "Think carefully."};
  reward.effort.budgets = {0, 12, -1};
  const char* instructions[] = {"\n\nAnswer at once.", "\n\nThink briefly.",
                                "\n\nThink carefully."};
  // Other targets leave the prompts alone.
  std::vector<Problem> untouched = plain;
  const std::vector<std::string> cores =
      sft_completions(SftTarget::kCore, reward, 5, 0, &untouched);
  CHECK(cores.front() == core_completion(plain.front()));
  CHECK(untouched.front().prompt == plain.front().prompt);

  const std::vector<std::string> completions =
      sft_completions(SftTarget::kEffort, reward, 5, 0, &*problems);
  auto examples = make_sft_examples(*tokenizer, *problems, completions, 512);
  REQUIRE(examples.ok());
  std::vector<int> drawn(3, 0);
  for (size_t i = 0; i < plain.size(); ++i) {
    const Problem& p = (*problems)[i];
    const int64_t mode = draw_effort_request(reward, 5, i).mode;
    REQUIRE((mode >= 0 && mode < 3));
    CHECK(p.prompt == plain[i].prompt + instructions[mode]);
    const std::string expected = mode == 0   ? direct_completion(plain[i])
                                 : mode == 1 ? fitted_completion(plain[i], 12)
                                             : long_completion(plain[i]);
    CHECK(completions[i] == expected);
    const SftExample& e = (*examples)[i];
    CHECK(static_cast<int64_t>(e.ids.size()) ==
          e.prompt_tokens + count_tokens(expected) + 1);  // + eos
    ++drawn[static_cast<size_t>(mode)];
  }
  CHECK((drawn[0] > 5 && drawn[1] > 5 && drawn[2] > 5));  // every mode drawn
}

TEST_CASE("global gradient-norm clipping by hand", "[sft]") {
  // |(3, 4, 12)| = 13; clipping to 1.3 scales by 1.3 / (13 + 1e-6) = 0.1 (to 1e-7).
  const std::vector<at::Tensor> grads = {torch::tensor({3.0, 4.0}), torch::tensor({{12.0}})};
  CHECK(clip_grad_norm(grads, 0.0) == Approx(13.0));
  CHECK(grads[0][1].item<double>() == 4.0);  // 0 disables clipping
  CHECK(clip_grad_norm(grads, 20.0) == Approx(13.0));
  CHECK(grads[0][1].item<double>() == 4.0);  // below the limit: unchanged
  CHECK(clip_grad_norm(grads, 1.3) == Approx(13.0));
  CHECK(grads[0][0].item<double>() == Approx(0.3).epsilon(1e-6));
  CHECK(grads[0][1].item<double>() == Approx(0.4).epsilon(1e-6));
  CHECK(grads[1][0][0].item<double>() == Approx(1.2).epsilon(1e-6));
  CHECK(clip_grad_norm(grads, 0.0) == Approx(1.3).epsilon(1e-6));
  CHECK(clip_grad_norm({}, 1.0) == 0.0);
}

TEST_CASE("defined_grads keeps the gradients a backward pass left, in order", "[sft]") {
  // d(2a + 3b)/da = 2, d/db = 3; c takes no part, so it has no gradient.
  const at::Tensor a = torch::ones({1}, torch::requires_grad());
  const at::Tensor b = torch::ones({1}, torch::requires_grad());
  const at::Tensor c = torch::ones({1}, torch::requires_grad());
  (2 * a + 3 * b).sum().backward();
  const std::vector<at::Tensor> grads = defined_grads({a, c, b});
  REQUIRE(grads.size() == 2);
  CHECK(grads[0].item<double>() == 2.0);
  CHECK(grads[1].item<double>() == 3.0);
}

TEST_CASE("epoch sampler: permutations per epoch, resumable from its cursor", "[sft]") {
  EpochSampler sampler(5, 11);
  std::vector<int64_t> first = sampler.next(5);
  std::vector<int64_t> second = sampler.next(5);
  CHECK(sampler.cursor() == 10);
  std::vector<int64_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<int64_t>{0, 1, 2, 3, 4});
  std::sort(second.begin(), second.end());
  CHECK(second == std::vector<int64_t>{0, 1, 2, 3, 4});
  // Starting at cursor 3 continues the same stream: 2 of epoch 0, then epoch 1.
  EpochSampler full(5, 11);
  const std::vector<int64_t> stream = full.next(12);
  EpochSampler resumed(5, 11, 3);
  CHECK(resumed.next(9) == std::vector<int64_t>(stream.begin() + 3, stream.end()));
  // Another seed, another order.
  CHECK(EpochSampler(5, 12).next(12) != stream);
}

TrainingConfig tiny_sft_config(const std::filesystem::path& dir, const std::string& name) {
  TrainingConfig config;
  config.run.dir = dir.string();
  config.run.name = name;
  config.run.seed = 5;
  config.model = tiny_model_config();
  config.model.vocab_size = 0;
  config.data.train_size = 64;
  config.data.test_size = 16;
  config.trainer.lr = 3e-3;
  config.trainer.schedule = LrSchedule::kConstant;
  config.trainer.warmup_steps = 2;
  config.trainer.micro_batch_tokens = 1024;
  config.trainer.sft.batch_size = 8;
  config.trainer.sft.eval_batches = 2;
  config.trainer.eval_every = 2;
  config.trainer.save_every = 3;
  return config;
}

// Runs `config` in its run directory on one process; returns how the run ended.
absl::Status run_sft(const TrainingConfig& config) {
  const std::filesystem::path run_dir = testing::prepare_test_run(config);
  const std::unique_ptr<ProcessGroup> group = testing::single_process();
  auto trainer = SftTrainer::create(config, run_dir, *group);
  INFO(trainer.status().ToString());
  REQUIRE(trainer.ok());
  std::ostringstream console;
  return (*trainer)->run(console);
}

// Trains `config` in its run directory; returns the metrics it logged.
std::vector<std::pair<int64_t, Metrics>> train(const TrainingConfig& config) {
  const absl::Status status = run_sft(config);
  INFO(status.ToString());
  REQUIRE(status.ok());
  auto metrics =
      read_metrics_log(std::filesystem::path(config.run.dir) / config.run.name / kMetricsFile);
  REQUIRE(metrics.ok());
  return *metrics;
}

TEST_CASE("SFT loss falls on a tiny arithmetic run", "[sft]") {
  TempDir dir;
  TrainingConfig config = tiny_sft_config(dir.path(), "falls");
  config.trainer.lr = 1e-2;
  config.trainer.steps = 40;
  config.trainer.eval_every = 40;
  config.trainer.save_every = 0;
  const auto metrics = train(config);
  REQUIRE(metrics.size() == 40);
  const double first = metrics.front().second.at("loss");
  const double last = metrics.back().second.at("loss");
  // A fresh model is near uniform over 104 tokens: ln 104 = 4.64.
  CHECK(first == Approx(std::log(104.0)).margin(0.1));
  // Measured: 4.65 -> 2.34 (eval 2.32); character frequencies alone would stop near 2.9.
  CHECK(last < 0.6 * first);
  CHECK(metrics.back().second.at("eval/loss") < 0.6 * first);
  CHECK(metrics.front().second.count("eval/loss") == 0);
}

TEST_CASE("SFT skips updates whose gradient is not finite and never saves such weights", "[sft]") {
  // A learning rate that blows the weights up: later losses and gradients overflow to inf and
  // NaN. Those updates are skipped, and every checkpoint holds finite weights.
  TempDir dir;
  TrainingConfig config = tiny_sft_config(dir.path(), "blows_up");
  config.trainer.lr = 1e12;
  config.trainer.steps = 6;
  config.trainer.save_every = 2;
  config.trainer.keep_checkpoints = 3;
  config.trainer.eval_every = 0;
  config.trainer.max_nonfinite_steps = 100;
  const auto metrics = train(config);
  REQUIRE(metrics.size() == 6);
  const double skipped = metrics.back().second.at("train/skipped_updates");
  CHECK(skipped > 0);
  int64_t nonfinite_steps = 0;  // logged as null, read back as absent or NaN
  for (const auto& [step, m] : metrics) {
    const auto grad = m.find("grad_norm");
    const auto loss = m.find("loss");
    nonfinite_steps += grad == m.end() || loss == m.end() || !std::isfinite(grad->second) ||
                       !std::isfinite(loss->second);
  }
  CHECK(static_cast<double>(nonfinite_steps) == skipped);
  for (const char* step : {"step-00000002", "step-00000004", "step-00000006"}) {
    INFO(step);
    auto checkpoint = SafetensorsCheckpoint::open((dir / "blows_up/checkpoints" / step).string());
    REQUIRE(checkpoint.ok());
    for (const std::string& name : checkpoint->names()) {
      INFO(name);
      CHECK(torch::isfinite(checkpoint->tensor(name)).all().item<bool>());
    }
  }

  // Stopping is still possible: with max_nonfinite_steps 1 the first skipped update ends the run.
  config.run.name = "stops";
  config.trainer.max_nonfinite_steps = 1;
  const absl::Status status = run_sft(config);
  CHECK_THAT(std::string(status.message()), Catch::Contains("1 updates in a row had a non-finite"));
}

TEST_CASE("SFT stopped and resumed writes the metrics of an uninterrupted run", "[sft]") {
  TempDir dir;
  TrainingConfig straight = tiny_sft_config(dir.path(), "straight");
  straight.trainer.steps = 6;
  const auto expected = train(straight);

  TrainingConfig first_half = tiny_sft_config(dir.path(), "resumed");
  first_half.trainer.steps = 3;
  REQUIRE(train(first_half).size() == 3);
  TrainingConfig second_half = first_half;
  second_half.trainer.steps = 6;
  second_half.run.resume = true;
  const auto resumed = train(second_half);

  REQUIRE(expected.size() == 6);
  REQUIRE(resumed.size() == 6);
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("step " << expected[i].first);
    CHECK(resumed[i].first == expected[i].first);
    for (const char* key : {"loss", "lr", "grad_norm", "tokens", "eval/loss"}) {
      INFO(key);
      // The first half ended at step 3 and, like every run, evaluated at its final step.
      const bool final_eval_of_first_half = i == 2 && std::string(key) == "eval/loss";
      REQUIRE(resumed[i].second.count(key) ==
              expected[i].second.count(key) + (final_eval_of_first_half ? 1 : 0));
      if (expected[i].second.count(key) > 0) {
        CHECK(resumed[i].second.at(key) == expected[i].second.at(key));
      }
    }
  }
  CHECK(expected[1].second.count("eval/loss") == 1);
  CHECK(expected[2].second.count("eval/loss") == 0);
  CHECK(expected[5].second.count("eval/loss") == 1);
  // The last checkpoints of both runs hold the same weights.
  const std::filesystem::path a = dir / "straight/checkpoints/step-00000006";
  const std::filesystem::path b = dir / "resumed/checkpoints/step-00000006";
  CHECK(testing::read_file(a / "model.safetensors") == testing::read_file(b / "model.safetensors"));
}

TEST_CASE("terse sft writes a run directory and refuses to reuse one", "[sft][cli]") {
  TempDir dir;
  const std::string args =
      "sft run.dir=" + dir.path().string() +
      " run.name=cli model.hidden_size=32 model.num_layers=1 model.num_heads=2 "
      "model.num_kv_heads=2 model.intermediate_size=64 data.train_size=16 data.test_size=8 "
      "trainer.steps=2 trainer.eval_every=1 trainer.save_every=0 trainer.sft.batch_size=4 "
      "trainer.sft.eval_batches=1";
  const auto result = testing::run_command(testing::terse_command(args));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const std::filesystem::path run = dir / "cli";
  const std::string resolved = testing::read_file(run / "config.yaml");
  CHECK(resolved.find("batch_size: 4") != std::string::npos);
  // A run records its training sections; the demo's settings (app/) are not part of a run.
  CHECK(resolved.find("\ntrainer:\n") != std::string::npos);
  CHECK(resolved.find("\ndemo:") == std::string::npos);
  auto metrics = read_metrics_log(run / kMetricsFile);
  REQUIRE(metrics.ok());
  REQUIRE(metrics->size() == 2);
  for (const char* key :
       {"loss", "lr", "grad_norm", "tokens_per_s", "time/train_s", "time/forward_backward_s",
        "time/update_s", "time/cpu_user_s", "time/cpu_sys_s", "time/page_faults", "eval/loss"}) {
    INFO(key);
    CHECK(metrics->back().second.count(key) == 1);
  }
  // A step computes: the process spent CPU time in user code during it.
  CHECK(metrics->back().second.at("time/cpu_user_s") > 0);
  const std::filesystem::path checkpoint = run / "checkpoints/step-00000002";
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "optimizer.pt",
                           "trainer_state.json", "manifest.json"}) {
    INFO(file);
    CHECK(std::filesystem::exists(checkpoint / file));
  }
  CHECK(testing::read_file(checkpoint / "trainer_state.json").find("\"step\":2") !=
        std::string::npos);
  auto loaded = load_hf_model(checkpoint.string(), ModelConfig{});
  INFO(loaded.status().ToString());
  CHECK(loaded.ok());
  // The checkpoint's tokenizer is the task tokenizer: a tag reads back as one token.
  auto tokenizer = load_tokenizer(checkpoint.string());
  REQUIRE(tokenizer.ok());
  CHECK((*tokenizer)->vocab_size() == 104);
  CHECK((*tokenizer)->encode("<think>1</think>").size() == 3);

  const auto again = testing::run_command(testing::terse_command(args));
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("run.resume") != std::string::npos);
  const auto overwrite = testing::run_command(testing::terse_command(args + " run.overwrite=true"));
  CHECK(overwrite.exit_code == 0);
}

}  // namespace
}  // namespace terse
