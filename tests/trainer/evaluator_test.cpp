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
  CHECK(graded[0].think_tokens == 7);  // "11;16;8"
  CHECK(graded[2].think_tokens == 1);
  CHECK(graded[1].think_tokens == 0);

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

// A graded line of thought of problem `problem`: its answer (none: nothing extracted).
EvalSample line(int64_t problem, std::optional<std::string> answer, bool correct, int64_t tokens,
                int64_t think_tokens) {
  EvalSample s;
  s.problem = problem;
  s.extracted = std::move(answer);
  s.correct = correct;
  s.tokens = tokens;
  s.think_tokens = think_tokens;
  s.completion = s.extracted.value_or("none");
  return s;
}

TEST_CASE("contemplating: the majority answer of K lines of thought, by hand", "[eval]") {
  const std::vector<EvalSample> lines = {
      // Problem 0: "7" twice beats "8" once; a line without an answer does not vote.
      line(0, "8", false, 10, 6), line(0, "7", true, 12, 8), line(0, std::nullopt, false, 30, 30),
      line(0, "7", true, 14, 9),
      // Problem 1: "5" and "6" tie at two votes; "6" came first.
      line(1, "6", false, 5, 1), line(1, "5", true, 6, 2), line(1, "5", true, 7, 3),
      line(1, "6", false, 8, 4),
      // Problem 2: no line gave an answer: the first line, wrong, with no votes.
      line(2, std::nullopt, false, 20, 20), line(2, std::nullopt, false, 21, 21),
      line(2, std::nullopt, false, 22, 22), line(2, std::nullopt, false, 23, 23)};
  const std::vector<EvalSample> answers = majority_answers(lines, 4);
  REQUIRE(answers.size() == 3);
  CHECK(answers[0].extracted == std::optional<std::string>("7"));
  CHECK(answers[0].correct);
  CHECK(answers[0].votes == 2);
  CHECK(answers[0].tokens == 10 + 12 + 30 + 14);  // every line of thought counts
  CHECK(answers[0].think_tokens == 6 + 8 + 30 + 9);
  CHECK(answers[1].extracted == std::optional<std::string>("6"));
  CHECK_FALSE(answers[1].correct);
  CHECK(answers[1].votes == 2);
  CHECK(answers[2].votes == 0);
  CHECK_FALSE(answers[2].correct);
  CHECK(answers[2].tokens == 86);
  // One answer per problem: accuracy 1/3, and 66 + 26 + 86 tokens per answer.
  const EvalResult result = summarize(answers, 3);
  CHECK(result.accuracy == Approx(1.0 / 3));
  CHECK(result.mean_tokens == Approx((66.0 + 26 + 86) / 3));
  CHECK(result.mean_think_tokens == Approx((53.0 + 10 + 86) / 3));
}

TEST_CASE("budget adherence, by hand", "[eval]") {
  // Budget 8: thinking of 6, 8, 12 and 0 tokens: |L - B| / B = 2/8, 0, 4/8, 8/8; one over.
  const std::vector<EvalSample> lines = {line(0, "1", true, 9, 6), line(0, "1", true, 9, 8),
                                         line(1, "2", true, 9, 12), line(1, "2", true, 9, 0)};
  const BudgetAdherence a = budget_adherence(lines, 8);
  CHECK(a.budget == 8);
  CHECK(a.relative_error == Approx((0.25 + 0 + 0.5 + 1.0) / 4));
  CHECK(a.over_fraction == Approx(0.25));
  // Budget 0 (answer at once): the error is in tokens, max(B, 1) = 1.
  const BudgetAdherence none = budget_adherence(lines, 0);
  CHECK(none.relative_error == Approx((6.0 + 8 + 12 + 0) / 4));
  CHECK(none.over_fraction == Approx(0.75));
  EvalResult result = summarize(lines, 2);
  result.adherence = a;
  const Metrics m = result.metrics();
  CHECK(m.at("eval/budget_error") == Approx(1.75 / 4));
  CHECK(m.at("eval/over_budget") == Approx(0.25));
  CHECK(m.at("eval/think_mean") == Approx(26.0 / 4));
  CHECK(check_registered(m).ok());
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
  CHECK_THAT(lines, Catch::Contains("\"think_tokens\":"));

  // A JSONL file of the user's own problems (GSM8K style), with no config beside it.
  const std::string own = (dir / "own.jsonl").string();
  testing::write_file(own,
                      "{\"question\": \"add 2+3\", \"answer\": \"#### 5\"}\n"
                      "{\"question\": \"add 4+4\", \"answer\": \"#### 8\"}\n");
  const auto on_file = testing::run_command(testing::terse_command(
      "eval --model '" + run + "' --dataset '" + own + "' --max-new-tokens 12"));
  INFO(on_file.err);
  REQUIRE(on_file.exit_code == 0);
  CHECK_THAT(on_file.out, Catch::Contains("on 2 problems"));

  // A thinking budget of 0 forces "</think>" at once; contemplating: 3 lines of thought per
  // problem, one graded answer each (the figures are checked by hand above).
  const std::string voted = (dir / "voted.jsonl").string();
  const auto budgeted = testing::run_command(testing::terse_command(
      "eval --model '" + run +
      "' --task arithmetic -n 3 --temperature 1 --max-new-tokens 12 --think-budget 0 "
      "--parallel 3 --out '" +
      voted + "'"));
  INFO(budgeted.err);
  REQUIRE(budgeted.exit_code == 0);
  CHECK_THAT(budgeted.out, Catch::Contains("thinking budget 0 (force)"));
  CHECK_THAT(budgeted.out, Catch::Contains("(all 3 lines of thought of each answer)"));
  const std::string voted_lines = testing::read_file(voted);
  CHECK(std::count(voted_lines.begin(), voted_lines.end(), '\n') == 3);
  const auto greedy_vote = testing::run_command(
      testing::terse_command("eval --model '" + run + "' --task arithmetic -n 3 --parallel 3"));
  CHECK(greedy_vote.exit_code == 2);
  CHECK_THAT(greedy_vote.err, Catch::Contains("--temperature above 0"));

  // --effort: the mode's instruction on every prompt, its budget and its parallel lines.
  const std::string modes =
      " reward.length_penalty.kind=l1_exact reward.length_penalty.alpha=0.01"
      " 'reward.effort.modes=[quick, deep]'"
      " 'reward.effort.instructions=[Answer at once., Think carefully.]'"
      " 'reward.effort.budgets=[0, -1]' 'reward.effort.parallel=[1, 3]'";
  const std::string eval_effort = "eval --model '" + run +
                                  "' --task arithmetic -n 2 --temperature 1 "
                                  "--max-new-tokens 12" +
                                  modes + " --effort ";
  const std::string quick_out = (dir / "quick.jsonl").string();
  const auto quick =
      testing::run_command(testing::terse_command(eval_effort + "quick --out '" + quick_out + "'"));
  INFO(quick.err);
  REQUIRE(quick.exit_code == 0);
  CHECK_THAT(quick.out, Catch::Contains("thinking budget 0 (force)"));
  CHECK_THAT(testing::read_file(quick_out), Catch::Contains("\\n\\nAnswer at once.\""));
  const auto deep = testing::run_command(testing::terse_command(eval_effort + "deep"));
  REQUIRE(deep.exit_code == 0);
  CHECK_THAT(deep.out, Catch::Contains("(all 3 lines of thought of each answer)"));
  CHECK(deep.out.find("thinking budget") == std::string::npos);
  // Every mode in turn, each line of the output file naming its mode.
  const std::string all_out = (dir / "all.jsonl").string();
  const auto all =
      testing::run_command(testing::terse_command(eval_effort + "all --out '" + all_out + "'"));
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::Contains("effort quick:\neval "));
  CHECK_THAT(all.out, Catch::Contains("effort deep:\neval "));
  const std::string all_lines = testing::read_file(all_out);
  CHECK(std::count(all_lines.begin(), all_lines.end(), '\n') == 4);  // 2 problems x 2 modes
  CHECK(testing::occurrences(all_lines, "\"effort\":\"quick\"") == 2);
  const auto unknown = testing::run_command(testing::terse_command(eval_effort + "wild"));
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("not a mode of `reward.effort.modes` (quick, deep)"));

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
