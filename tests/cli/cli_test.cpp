// Runs the `terse` binary as a user would: help, exit codes, config errors, doctor.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/catch.h"
#include "tests/test_util.h"

namespace terse {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::terse_command;
using testing::write_file;

const fs::path source_dir = TERSE_SOURCE_DIR;

// The command names listed under "Subcommands:" in `terse --help`.
std::vector<std::string> listed_commands(const std::string& help) {
  std::vector<std::string> names;
  bool in_list = false;
  for (const absl::string_view line : absl::StrSplit(help, '\n')) {
    if (absl::StartsWith(line, "Subcommands:")) {
      in_list = true;
    } else if (in_list && absl::StartsWith(line, "  ")) {
      const absl::string_view stripped = absl::StripLeadingAsciiWhitespace(line);
      names.emplace_back(stripped.substr(0, stripped.find(' ')));
    } else if (in_list && !line.empty()) {
      in_list = false;
    }
  }
  return names;
}

TEST_CASE("terse --help lists the commands, and each has its own --help", "[cli]") {
  const auto help = run_command(terse_command("--help"));
  REQUIRE(help.exit_code == 0);
  const std::vector<std::string> names = listed_commands(help.out);
  CHECK_THAT(help.out, Catch::Contains("doctor"));
  CHECK_THAT(help.out, Catch::Contains("config"));
  REQUIRE(names.size() >= 2);
  for (const std::string& name : names) {
    INFO(name);
    const auto command_help = run_command(terse_command(name + " --help"));
    CHECK(command_help.exit_code == 0);
    CHECK_THAT(command_help.out, Catch::Contains("Usage:"));
  }
}

TEST_CASE("usage errors exit with 2 and one line on stderr", "[cli]") {
  for (const std::string args :
       {"", "nosuchcommand", "doctor --threads 0", "config", "doctor --no-such-flag"}) {
    INFO(args);
    const auto result = run_command(terse_command(args));
    CHECK(result.exit_code == 2);
    CHECK_FALSE(result.err.empty());
  }
}

TEST_CASE("config show prints the resolved config, which reads back identically", "[cli]") {
  TempDir dir;
  const auto shown =
      run_command(terse_command("config show trainer.lr=3e-4 'rollout.group_size=4'"));
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("  lr: 3e-04\n"));
  CHECK_THAT(shown.out, Catch::Contains("  group_size: 4\n"));
  write_file(dir / "resolved.yaml", shown.out);
  const auto again =
      run_command(terse_command("config show '" + (dir / "resolved.yaml").string() + "'"));
  REQUIRE(again.exit_code == 0);
  CHECK(again.out == shown.out);
}

TEST_CASE("config keys documents every key", "[cli]") {
  const auto keys = run_command(terse_command("config keys"));
  REQUIRE(keys.exit_code == 0);
  CHECK_THAT(keys.out, Catch::Contains("trainer.lr  (a number, > 0; default 1e-05)"));
  CHECK_THAT(keys.out, Catch::Contains("rollout.group_size  (an integer, >= 2; default 8)"));
  const auto only_run = run_command(terse_command("config keys run"));
  REQUIRE(only_run.exit_code == 0);
  CHECK_THAT(only_run.out, Catch::Contains("run.seed"));
  CHECK_THAT(only_run.out, !Catch::Contains("trainer.lr"));
}

TEST_CASE("config metrics lists the registry; train --help points to it", "[cli]") {
  const auto metrics = run_command(terse_command("config metrics"));
  REQUIRE(metrics.exit_code == 0);
  CHECK_THAT(metrics.out, Catch::Contains("reward/accuracy  (from every rank's samples)\n"));
  CHECK_THAT(metrics.out, Catch::Contains("samples/forced  (mean over every rank's samples)"));
  const auto eval_only = run_command(terse_command("config metrics eval/"));
  REQUIRE(eval_only.exit_code == 0);
  CHECK_THAT(eval_only.out, Catch::Contains("eval/budget_error"));
  CHECK_THAT(eval_only.out, !Catch::Contains("reward/accuracy"));
  for (const char* command : {"train", "sft", "demo"}) {
    INFO(command);
    CHECK_THAT(run_command(terse_command(std::string(command) + " --help")).out,
               Catch::Contains("`terse config metrics`"));
  }
}

// A sweep file's dry run checks every run's config. Until terse has its `train` command, a sweep
// of `train` runs passes when only that command is missing.
void check_sweep_file(const fs::path& file) {
  const auto result = run_command(terse_command("sweep --dry-run '" + file.string() + "'"));
  INFO(result.out << result.err);
  const std::vector<std::string> commands =
      listed_commands(run_command(terse_command("--help")).out);
  const bool has_train = std::find(commands.begin(), commands.end(), "train") != commands.end();
  if (!has_train && absl::StrContains(result.err, "this terse has no `train` command")) return;
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
}

// The `reward.effort` block of a resolved config, as `terse config show` prints it.
std::string effort_block(const std::string& config) {
  const auto shown = run_command(terse_command("config show '" + config + "'"));
  REQUIRE(shown.exit_code == 0);
  const size_t begin = shown.out.find("\n  effort:\n");
  REQUIRE(begin != std::string::npos);
  size_t end = begin + 1;
  while ((end = shown.out.find('\n', end + 1)) != std::string::npos &&
         absl::StartsWith(shown.out.substr(end + 1), "    ")) {
  }
  return shown.out.substr(begin, end - begin);
}

TEST_CASE("the effort SFT and RL presets ask for the same modes", "[cli][configs]") {
  const std::string rl = effort_block((source_dir / "configs/effort.yaml").string());
  CHECK_THAT(rl, Catch::Contains("modes: [instant, thinking, contemplating]"));
  CHECK(effort_block((source_dir / "configs/sft_effort.yaml").string()) == rl);
}

TEST_CASE("every file in configs/ parses", "[cli][configs]") {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    INFO(entry.path());
    if (entry.path().parent_path().filename() == "sweeps") {
      check_sweep_file(entry.path());
    } else {
      const auto result = run_command(terse_command("config show '" + entry.path().string() + "'"));
      CHECK(result.exit_code == 0);
      CHECK(result.err.empty());
    }
    // Every preset says how to run it on its first line.
    CHECK_THAT(read_file(entry.path()), Catch::StartsWith("# Run: terse "));
  }
  CHECK(files >= 1);
}

TEST_CASE("configs/default.yaml is the documented default config", "[cli][configs]") {
  const std::string file = read_file(source_dir / "configs/default.yaml");
  const size_t body = file.find("\n\n");
  REQUIRE(body != std::string::npos);
  const auto generated = run_command(terse_command("config show --docs"));
  REQUIRE(generated.exit_code == 0);
  // Regenerate with: terse config show --docs (below the header comment).
  CHECK(file.substr(body + 2) == generated.out);
}

TEST_CASE("each bad config exits with 2 and names what is wrong", "[cli][configs]") {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(source_dir / "tests/data/bad_configs")) {
    ++cases;
    const std::string text = read_file(entry.path());
    const std::string prefix = "# expect: ";
    REQUIRE(absl::StartsWith(text, prefix));
    const std::string expected = text.substr(prefix.size(), text.find('\n') - prefix.size());
    INFO(entry.path().filename().string() << " should say: " << expected);
    const auto result = run_command(terse_command("config show '" + entry.path().string() + "'"));
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(expected));
    CHECK(result.out.empty());  // no partial config printed as if it were good
  }
  CHECK(cases >= 15);
}

TEST_CASE("bad overrides exit with 2 and name the key path", "[cli]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"trainer.lr", "`trainer.lr` is neither a config file"},
      {"=3", "has no key path before `=`"},
      {"nosuch.key=1", "unknown key `nosuch`; did you mean"},
      {"trainer.lrr=1", "unknown key `trainer.lrr`; did you mean `trainer.lr`?"},
      {"trainer.lr=-1", "`trainer.lr` = -1 is out of range: it must be > 0"},
      {"rollout.group_size=1", "`rollout.group_size` = 1 is out of range: it must be >= 2"},
      {"trainer.steps=many", "`trainer.steps`: expected an integer, got `many`"},
      {"no_such.yaml", "config file `no_such.yaml` does not exist"},
  };
  for (const auto& [args, expected] : cases) {
    INFO(args);
    const auto result = run_command(terse_command("config show '" + args + "'"));
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(expected));
  }
}

TEST_CASE("several errors print the first line and a hint, --verbose prints all", "[cli]") {
  const auto terse = run_command(terse_command("config show nosuch=1 trainer.lr=x"));
  CHECK(terse.exit_code == 2);
  CHECK_THAT(terse.err, Catch::Contains("rerun with --verbose"));
  const auto verbose = run_command(terse_command("config show nosuch=1 trainer.lr=x --verbose"));
  CHECK(verbose.exit_code == 2);
  CHECK_THAT(verbose.err, Catch::Contains("`trainer.lr`: expected a number"));
}

TEST_CASE("doctor reports the build and a matmul measurement", "[cli][doctor]") {
  // Not --strict: the throughput warning depends on the machine's load, which tests don't control.
  const auto result = run_command(terse_command("doctor --seconds 0.05"));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("LibTorch:"));
  CHECK_THAT(result.out, Catch::Contains("BLAS:"));
  CHECK_THAT(result.out, Catch::Contains("GFLOP/s"));
  CHECK_THAT(result.out, !Catch::Contains("reference BLAS"));  // setup installs OpenBLAS
  // Whether CUDA is compiled in, the thread count, and both dtypes' throughput.
  CHECK(std::regex_search(result.out, std::regex(R"(CUDA: +(not compiled in|\d+ GPU))")));
  CHECK(std::regex_search(result.out, std::regex(R"(threads: +1 intra-op)")));
  CHECK(std::regex_search(
      result.out, std::regex(R"(CPU: +.+ \(family \d+, model \d+\), (native|no native) bf16)")));
  CHECK(std::regex_search(result.out, std::regex(R"(fp32 [0-9.]+ GFLOP/s, bf16 [0-9.]+ GFLOP/s)")));
  // terse keeps freed memory itself, so reallocating a block costs (almost) no page faults.
  CHECK_THAT(result.out, Catch::Contains("allocator: freed memory kept for reuse"));
  CHECK_THAT(result.out, !Catch::Contains("WARNING: memory freed"));
}

TEST_CASE("bench rollout splits a decoding step into its products and the rest", "[cli][bench]") {
  TempDir dir;
  write_file(dir / "config.json",
             R"({"model_type": "llama", "vocab_size": 64, "hidden_size": 32,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "intermediate_size": 48, "tie_word_embeddings": false})");
  const auto result =
      run_command(terse_command("bench rollout --model-config " + (dir / "config.json").string() +
                                " --batch 4 --prompt-len 4 --new-tokens 8 --json"));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json bench = nlohmann::json::parse(result.out);
  CHECK(bench.at("new_tokens") == 32);
  // 16 prompt tokens beside 32 new ones: the prompts' forward pass adds half the arithmetic.
  CHECK(bench.at("roofline_fraction_with_prompts").get<double>() ==
        Approx(1.5 * bench.at("roofline_fraction").get<double>()));
  CHECK(bench.at("ms_per_step").get<double>() ==
        Approx(1e3 * bench.at("seconds").get<double>() / 8));  // 8 decoding steps
  const double linears_ms = bench.at("decode_linears_ms").get<double>();
  CHECK(linears_ms > 0);
  CHECK(linears_ms < bench.at("ms_per_step").get<double>());
  CHECK(bench.at("decode_linears_fraction").get<double>() > 0);
}

TEST_CASE("doctor catches the allocator trap", "[cli][doctor]") {
  // With glibc's defaults a freed 64 MiB block goes back to the kernel, and every page of the
  // next one faults again: 256 faults per MiB.
  const auto result =
      run_command("TERSE_ALLOCATOR=system " + terse_command("doctor --seconds 0.05 --strict"));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.out, Catch::Contains("allocator: the C library's defaults"));
  CHECK_THAT(result.out, Catch::Contains("WARNING: memory freed by one training step"));
  CHECK_THAT(result.out, Catch::Contains("Unset TERSE_ALLOCATOR"));
}

TEST_CASE("doctor catches the reference-BLAS trap", "[cli][doctor]") {
  // Debian's reference BLAS (libblas3, which setup installs) put ahead of OpenBLAS: the trap
  // DESIGN.md describes, where fp32 matmul runs 20-30x slower.
  const std::string reference_blas = "/usr/lib/x86_64-linux-gnu/blas";
  REQUIRE(fs::exists(reference_blas + "/libblas.so.3"));
  const auto result = run_command("LD_LIBRARY_PATH=" + reference_blas + " " +
                                  terse_command("doctor --seconds 0.05 --strict"));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.out, Catch::Contains("BLAS:      reference BLAS"));
  CHECK_THAT(result.out, Catch::Contains("WARNING: LibTorch is using the reference BLAS"));
  CHECK_THAT(result.out, Catch::Contains("Install libopenblas0-openmp"));
  CHECK_THAT(result.out, Catch::Contains("WARNING: fp32 matmul runs at"));
  CHECK_THAT(result.err, Catch::Contains("doctor found 2 problem(s)"));
}

}  // namespace
}  // namespace terse
