// terse demo end to end on a tiny model: the three run directories, summary.json with the
// fields the README documents, a self-contained report.html, and a re-run that trains nothing.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/metrics_log.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// The demo shrunk to a tiny model and a few steps of each phase.
constexpr char kTinyDemo[] =
    " model.hidden_size=32 model.num_layers=1 model.num_heads=2 model.num_kv_heads=2 "
    "model.intermediate_size=64 data.train_size=32 data.test_size=8 demo.sft_steps=4 "
    "demo.no_reasoning_steps=2 demo.sft_eval_every=2 demo.eval_problems=4 "
    "demo.curve_problems=2 trainer.steps=2 trainer.batch_prompts=2 rollout.group_size=4 "
    "rollout.max_new_tokens=32 trainer.eval_every=1 trainer.eval_problems=2 "
    "trainer.sft.batch_size=4 data.max_completion_tokens=480";

TEST_CASE("terse demo writes its runs, summary.json and report.html, and continues", "[demo]") {
  TempDir dir;
  const std::string args = "demo --out " + (dir / "demo").string() + kTinyDemo;
  const auto first = testing::run_command(testing::terse_command(args));
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  for (const char* run : {"sft", "no_reasoning", "rl"}) {
    INFO(run);
    CHECK(std::filesystem::exists(dir / "demo" / run / "metrics.jsonl"));
  }
  const nlohmann::json summary =
      nlohmann::json::parse(testing::read_file(dir / "demo/summary.json"));
  for (const char* phase : {"sft", "rl"}) {
    for (const char* key : {"accuracy", "mean_tokens", "tokens_per_correct"}) {
      INFO(phase << "." << key);
      CHECK(summary.at(phase).at(key).is_number());
    }
  }
  CHECK(summary.at("no_reasoning").at("accuracy").is_number());
  const double sft = summary["sft"]["mean_tokens"].get<double>();
  const double rl = summary["rl"]["mean_tokens"].get<double>();
  CHECK(summary.at("compression").get<double>() == Approx(rl > 0 ? sft / rl : 0.0));
  CHECK(summary.at("seconds").get<double>() > 0);
  CHECK(summary.at("config").get<std::string>().find("sft_steps: 4") != std::string::npos);
  const std::string report = testing::read_file(dir / "demo/report.html");
  CHECK(report.find("<svg") != std::string::npos);
  CHECK(report.find("after RL") != std::string::npos);
  // Nothing loads from the network (the SVG namespace URI is a name, not a download).
  CHECK(report.find("src=\"http") == std::string::npos);
  CHECK(report.find("href=\"http") == std::string::npos);
  CHECK_THAT(first.out, Catch::Contains("compression"));

  // The demo's result exports to a Hugging Face directory and evaluates from the run directory.
  const auto exported = testing::run_command(
      testing::terse_command("export " + (dir / "demo/rl").string() + " --out " +
                             (dir / "hf").string() + " --dtype bf16"));
  INFO(exported.err);
  CHECK(exported.exit_code == 0);
  CHECK(std::filesystem::exists(dir / "hf/model.safetensors"));
  CHECK(std::filesystem::exists(dir / "hf/tokenizer.json"));
  const auto evaluated = testing::run_command(
      testing::terse_command("eval --model " + (dir / "hf").string() +
                             " --task arithmetic -n 4 --max-new-tokens 32 data.test_size=8"));
  INFO(evaluated.out << evaluated.err);
  CHECK(evaluated.exit_code == 0);
  CHECK_THAT(evaluated.out + evaluated.err, Catch::Contains("accuracy"));

  // The SFT model benchmarks RL steps of the demo's configuration (here shrunk): medians of the
  // logged step times, as JSON on stdout.
  const auto bench = testing::run_command(
      testing::terse_command("bench step --model " + (dir / "demo/sft").string() +
                             " --steps 3 --out " + (dir / "bench").string() + kTinyDemo));
  INFO(bench.out << bench.err);
  REQUIRE(bench.exit_code == 0);
  const nlohmann::json step = nlohmann::json::parse(bench.out);
  CHECK(step.at("benchmark") == "step");
  CHECK(step.at("steps") == 3);
  CHECK(step.at("prompts") == 2);
  CHECK(step.at("group_size") == 4);
  CHECK(step.at("rollout_s").get<double>() > 0);
  CHECK(step.at("update_s").get<double>() > 0);
  CHECK(step.at("step_s").get<double>() ==
        Approx(step["rollout_s"].get<double>() + step["update_s"].get<double>()));
  CHECK(step.at("cpu_user_s").get<double>() > 0);
  CHECK(step.at("kernel_fraction").get<double>() >= 0);
  CHECK(step.at("kernel_fraction").get<double>() < 1);
  CHECK(step.at("length_mean").get<double>() > 0);
  const auto bench_metrics = read_metrics_log(dir / "bench/metrics.jsonl");
  REQUIRE(bench_metrics.ok());
  CHECK(bench_metrics->size() == 3);

  // A second run finds every phase finished: it only evaluates again.
  const auto again = testing::run_command(testing::terse_command(args));
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, !Catch::Contains("step 1/"));
  CHECK(nlohmann::json::parse(testing::read_file(dir / "demo/summary.json"))["rl"] ==
        summary["rl"]);
}

TEST_CASE("terse demo --modes trains one model in every effort mode and measures it", "[demo]") {
  TempDir dir;
  const fs::path out = dir / "demo";
  const std::string modes =
      " demo.modes.sft_steps=2 demo.modes.rl_steps=1 demo.modes.eval_problems=3 "
      "demo.modes.ladder=[0,4] demo.modes.budget_min=5 demo.modes.budget_max=9";
  const auto result = testing::run_command(
      testing::terse_command("demo --modes --out " + out.string() + kTinyDemo + modes));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("== 4/4"));
  CHECK_THAT(result.out, Catch::Contains("contemplating (5 lines)"));

  // The effort SFT starts from the demo's SFT model; both phases ask for the modes and RL scores
  // each request with L1-Exact on the thinking tokens.
  const std::string sft_config = testing::read_file(out / "modes_sft/config.yaml");
  CHECK_THAT(sft_config, Catch::Contains("target: effort"));
  CHECK_THAT(sft_config, Catch::Contains((out / "sft").string()));
  CHECK_THAT(sft_config, Catch::Contains("modes: [instant, thinking, contemplating]"));
  const std::string rl_config = testing::read_file(out / "modes_rl/config.yaml");
  CHECK_THAT(rl_config, Catch::Contains((out / "modes_sft").string()));
  CHECK_THAT(rl_config, Catch::Contains("kind: l1_exact"));
  CHECK_THAT(rl_config, Catch::Contains("unit: thinking"));
  CHECK_THAT(rl_config, Catch::Contains("target_min: 5"));
  CHECK_THAT(rl_config, Catch::Contains("target_max: 9"));
  // The demo's own RL phase stays as configured.
  CHECK_THAT(testing::read_file(out / "rl/config.yaml"), Catch::Contains("kind: lc_r1"));

  const nlohmann::json summary = nlohmann::json::parse(testing::read_file(out / "summary.json"));
  const nlohmann::json& m = summary.at("modes");
  CHECK(m.at("problems") == 3);
  const std::vector<std::pair<std::string, int>> expected = {
      {"instant", 1}, {"thinking", 1}, {"contemplating", 5}};
  for (const auto& [name, lines] : expected) {
    INFO(name);
    CHECK(m.at(name).at("parallel") == lines);
    for (const char* key : {"accuracy", "empty_think"}) {
      CHECK(m.at(name).at(key).get<double>() >= 0);
      CHECK(m.at(name).at(key).get<double>() <= 1);
    }
    CHECK(m.at(name).at("mean_tokens").get<double>() >= m.at(name).at("mean_think_tokens"));
  }
  CHECK(m.at("instant").at("budget") == 0);
  CHECK(m.at("contemplating").at("budget") == -1);
  for (const char* curve : {"budget_curve", "sft_forced", "fitted"}) {
    INFO(curve);
    REQUIRE(m.at(curve).size() == 2);
    CHECK(m.at(curve)[0].at("budget") == 0);
    CHECK(m.at(curve)[1].at("budget") == 4);
    CHECK(m.at(curve)[1].at("adherence").at("over_fraction").get<double>() >= 0);
  }
  CHECK(m.at("fitted")[0].at("mean_think_tokens") == 0);  // budget 0: the direct answer
  CHECK(m.at("fitted")[1].at("accuracy") == 1);
  CHECK(m.at("no_request").at("budget") == -1);
  const std::string report = testing::read_file(out / "report.html");
  CHECK_THAT(report, Catch::Contains("Reasoning-effort modes"));
  CHECK_THAT(report, Catch::Contains("SFT model, thinking ended at N"));

  // A second run trains nothing and measures the same modes again.
  const auto again = testing::run_command(
      testing::terse_command("demo --modes --out " + out.string() + kTinyDemo + modes));
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, !Catch::Contains("step 1/"));
  CHECK(nlohmann::json::parse(testing::read_file(out / "summary.json"))["modes"] == m);
}

TEST_CASE("terse launch --nproc 2 -- demo runs every phase data-parallel", "[demo][dp]") {
  TempDir dir;
  const auto result = testing::run_command(testing::terse_command(
      "launch --nproc 2 -- demo --out " + (dir / "demo").string() + kTinyDemo));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("[rank 0] "));
  CHECK_THAT(result.out, Catch::Contains("compression"));
  // The RL phase ran on both ranks (one prompt each) and counted both ranks' samples.
  const std::string metrics = testing::read_file(dir / "demo/rl/metrics.jsonl");
  CHECK_THAT(metrics, Catch::Contains("\"samples/drawn\":8.0"));
  CHECK_THAT(result.out, Catch::Contains("on 2 rank(s)"));
  CHECK(std::filesystem::exists(dir / "demo/summary.json"));
}

TEST_CASE("demo.ranks makes terse demo start its own ranks", "[demo][dp]") {
  TempDir dir;
  const auto result = testing::run_command(
      testing::terse_command("demo --out " + (dir / "demo").string() + kTinyDemo +
                             " demo.ranks=2 demo.no_reasoning_steps=1"));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("[rank 0] "));
  CHECK_THAT(result.out, Catch::Contains("on 2 rank(s)"));
  const std::string metrics = testing::read_file(dir / "demo/rl/metrics.jsonl");
  CHECK_THAT(metrics, Catch::Contains("\"samples/drawn\":8.0"));
  // Bad settings stop the demo before any rank starts.
  const auto bad = testing::run_command(
      testing::terse_command("demo --out " + (dir / "bad").string() + kTinyDemo + " demo.ranks=0"));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("demo.ranks"));
  CHECK_FALSE(std::filesystem::exists(dir / "bad"));
}

TEST_CASE("demo.sft_bf16 trains the SFT phases with auto products and RL as configured", "[demo]") {
  TempDir dir;
  const auto result = testing::run_command(
      testing::terse_command("demo --out " + (dir / "demo").string() + kTinyDemo +
                             " demo.sft_bf16=true demo.no_reasoning_steps=1"));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  for (const char* phase : {"sft", "no_reasoning"}) {
    INFO(phase);
    CHECK_THAT(testing::read_file(dir / "demo" / phase / "config.yaml"),
               Catch::Contains("compute_dtype: auto"));
  }
  CHECK_THAT(testing::read_file(dir / "demo/rl/config.yaml"),
             Catch::Contains("compute_dtype: float32"));
}

}  // namespace
}  // namespace terse
