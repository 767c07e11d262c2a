// Evaluation: grading and its figures by hand on written completions; `terse eval` and
// `terse export` on a tiny SFT run.
#include "trainer/evaluator.h"

#include "core/checkpoint.h"
#include "data/task_tokenizer.h"
#include "models/hf_checkpoint.h"
#include "tests/catch.h"
#include "tests/test_util.h"
#include "tests/trainer/written_batch.h"
#include "trainer/metric_registry.h"

namespace terse {
namespace {

Problem number_problem(const std::string& answer) {
  Problem problem;
  problem.answer = answer;
  problem.answer_kind = AnswerKind::kNumber;
  return problem;
}

TEST_CASE("grading and the evaluation figures, by hand", "[eval]") {
  const auto tokenizer = make_task_tokenizer();
  Problem countdown;
  countdown.answer = "(8+5)*12";
  countdown.answer_kind = AnswerKind::kExpression;
  countdown.numbers = {8, 12, 5};
  countdown.target = 156;
  const std::vector<Problem> problems = {number_problem("861"), number_problem("42"), countdown};
  const std::vector<std::string> texts = {
      "<think>11;16;8</think><answer>861</answer>",  // right: 4 tags + 7 + 3 = 14 tokens
      "<think></think><answer>860</answer>",         // wrong: 4 + 3 = 7
      "<think>x</think><answer>42</answer>",         // right, cut at the budget: 4 + 1 + 2 = 7
      "<think></think><answer>42.0</answer>",        // right by value: 4 + 4 = 8
      "<think></think><answer>12*(5+8)</answer>",    // another valid expression: 4 + 8 = 12
      "<think></think><answer>8*12+5</answer>",      // misses the target: 4 + 6 = 10
  };
  const std::vector<EvalSample> graded =
      grade_batch(testing::written_batch(*tokenizer, texts, {true, true, false, true, true, true},
                                         {0, 0, 1, 1, 2, 2}),
                  problems, *tokenizer, 2);
  REQUIRE(graded.size() == 6);
  CHECK(graded[0].correct);
  CHECK(graded[0].tokens == 14);  // the eos is not counted
  CHECK(graded[0].completion == texts[0]);
  CHECK(graded[0].extracted == std::optional<std::string>("861"));
  CHECK_FALSE(graded[1].correct);
  CHECK(graded[2].correct);
  CHECK(graded[2].tokens == 7);
  CHECK(graded[2].finish == FinishReason::kLength);
  CHECK(graded[3].correct);
  CHECK(graded[4].correct);
  CHECK_FALSE(graded[5].correct);
  CHECK(graded[5].sample == 1);

  // What the reward sees: the thinking span "11;16;8" is 7 of the 14 tokens; the cut sample's
  // "x" is 1 and it did not finish; the format check passes both.
  const RewardSample first = reward_input(graded[0], 0, *tokenizer, FormatConfig{});
  CHECK(first.group_id == 0);
  CHECK(first.correct);
  CHECK(first.completion_tokens == 14);
  CHECK(first.think_tokens == 7);
  CHECK(first.finished);
  CHECK(first.format_ok);
  const RewardSample cut = reward_input(graded[2], 1, *tokenizer, FormatConfig{});
  CHECK(cut.group_id == 1);
  CHECK(cut.think_tokens == 1);
  CHECK(cut.completion_tokens == 7);
  CHECK_FALSE(cut.finished);
  CHECK(reward_input(graded[1], 0, *tokenizer, FormatConfig{}).think_tokens == 0);

  // 4 of 6 correct; every problem has a correct sample; 14+7+7+8+12+10 = 58 tokens, 58 / 4.
  const EvalResult result = summarize(graded, 3);
  CHECK(result.accuracy == Approx(4.0 / 6.0));
  CHECK(result.pass_at_k == Approx(1.0));
  CHECK(result.mean_tokens == Approx(58.0 / 6.0));
  CHECK(result.tokens_per_correct == Approx(58.0 / 4.0));
  CHECK(result.metrics().at("eval/tokens_per_correct") == Approx(14.5));
  // Problem 0's wrong sample alone: no problem solved.
  const EvalResult none = summarize({graded[1]}, 3);
  CHECK(none.pass_at_k == 0);
  CHECK(none.tokens_per_correct == 0);
}

TEST_CASE("evaluation figures by outcome and by difficulty level, by hand", "[eval]") {
  // Level 1: 10 tokens right, 20 wrong. Level 3: 40 and 60 tokens, both right.
  std::vector<EvalSample> samples(4);
  const int64_t levels[] = {1, 1, 3, 3}, tokens[] = {10, 20, 40, 60};
  const bool correct[] = {true, false, true, true};
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i].problem = static_cast<int64_t>(i / 2);
    samples[i].level = levels[i];
    samples[i].tokens = tokens[i];
    samples[i].correct = correct[i];
  }
  Metrics m = summarize(samples, 2).metrics();
  CHECK(m.at("eval/length_correct") == Approx(110.0 / 3));
  CHECK(m.at("eval/length_wrong") == Approx(20.0));
  CHECK(m.at("eval/accuracy@1") == Approx(0.5));
  CHECK(m.at("eval/accuracy@3") == Approx(1.0));
  CHECK(m.at("eval/length_mean@1") == Approx(15.0));
  CHECK(m.at("eval/length_mean@3") == Approx(50.0));
  CHECK(m.at("eval/tokens_per_correct@1") == Approx(30.0));
  CHECK(m.at("eval/tokens_per_correct@3") == Approx(50.0));
  CHECK(check_registered(m).ok());  // "@L" names are declared once in the registry
  // All correct: no wrong-answer length; one level alone: no per-level figures.
  for (EvalSample& s : samples) s.correct = true, s.level = 2;
  m = summarize(samples, 2).metrics();
  CHECK(m.count("eval/length_wrong") == 0);
  CHECK(m.count("eval/accuracy@2") == 0);
  CHECK(m.at("eval/length_correct") == Approx(32.5));
}

TEST_CASE("terse eval and terse export on a tiny SFT run", "[eval][export]") {
  testing::TempDir dir;
  const auto trained = testing::run_command(testing::terse_command(
      "sft run.dir=" + dir.path().string() +
      " run.name=tiny model.hidden_size=32 model.num_layers=1 model.num_heads=2 "
      "model.num_kv_heads=2 model.intermediate_size=64 data.train_size=16 data.test_size=8 "
      "trainer.steps=2 trainer.eval_every=0 trainer.save_every=0 trainer.sft.batch_size=4"));
  INFO(trained.out << trained.err);
  REQUIRE(trained.exit_code == 0);
  const std::string run = (dir / "tiny").string();

  const std::string samples = (dir / "eval.jsonl").string();
  const auto evaluated = testing::run_command(
      testing::terse_command("eval --model '" + run +
                             "' --task arithmetic -n 3 -k 2 --temperature 1 --max-new-tokens 12 "
                             "--out '" +
                             samples + "'"));
  INFO(evaluated.err);
  REQUIRE(evaluated.exit_code == 0);
  CHECK_THAT(evaluated.out, Catch::Contains("on 3 problems x 2"));
  const std::string lines = testing::read_file(samples);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 6);
  CHECK_THAT(lines, Catch::Contains("\"correct\":"));

  const auto exported = testing::run_command(
      testing::terse_command("export '" + run + "' --out '" + (dir / "hf").string() + "'"));
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json"}) {
    INFO(file);
    CHECK(std::filesystem::exists(dir / "hf" / file));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "hf/optimizer.pt"));
  const auto checkpoint = find_latest_checkpoint(dir / "tiny/checkpoints");
  REQUIRE(checkpoint.has_value());
  auto original = load_hf_model(checkpoint->string(), ModelConfig{});
  auto copy = load_hf_model((dir / "hf").string(), ModelConfig{});
  REQUIRE((original.ok() && copy.ok()));
  const auto a = (*original)->named_parameters(), b = (*copy)->named_parameters();
  for (const auto& item : a) CHECK(at::equal(item.value(), *b.find(item.key())));

  const auto bf16 = testing::run_command(testing::terse_command(
      "export '" + run + "' --out '" + (dir / "bf16").string() + "' --dtype bf16"));
  REQUIRE(bf16.exit_code == 0);
  ModelConfig runtime;
  runtime.dtype = DType::kBFloat16;
  auto half = load_hf_model((dir / "bf16").string(), runtime);
  REQUIRE(half.ok());
  CHECK((*half)->parameters().front().scalar_type() == at::kBFloat16);

  const auto missing = testing::run_command(testing::terse_command(
      "export '" + dir.path().string() + "' --out '" + (dir / "x").string() + "'"));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("neither a model directory"));
}

}  // namespace
}  // namespace terse
