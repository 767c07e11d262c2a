// Sweep files: axis expansion (grid, zip, random), run names, and strict parsing.
#include "app/sweep_spec.h"

#include <set>

#include "absl/strings/str_replace.h"
#include "tests/catch.h"

namespace terse {
namespace {

SweepSpec parse(const std::string& text) {
  auto spec = parse_sweep_spec(text, "configs/sweeps/s.yaml");
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  return *std::move(spec);
}

std::vector<std::string> names(const SweepSpec& spec) {
  std::vector<std::string> out;
  for (const SweepRun& run : spec.runs) out.push_back(run.name);
  return out;
}

TEST_CASE("grid axes form a cartesian product, the first key outermost", "[sweep]") {
  const SweepSpec spec = parse(
      "base: [../default.yaml, trainer.steps=5]\n"
      "grid:\n"
      "  reward.length_penalty.kind: [linear, kimi]\n"
      "  trainer.lr: [1.0e-5, 2.0e-5, 3.0e-5]\n");
  CHECK(spec.command == "train");
  CHECK(spec.parallel == 1);
  CHECK(spec.out == "runs/sweeps/s");
  CHECK(spec.base_files == std::vector<std::string>{"configs/default.yaml"});
  CHECK(spec.base_overrides == std::vector<std::string>{"trainer.steps=5"});
  REQUIRE(spec.runs.size() == 6);
  CHECK(names(spec) == std::vector<std::string>{"kind-linear_lr-1.0e-5", "kind-linear_lr-2.0e-5",
                                                "kind-linear_lr-3.0e-5", "kind-kimi_lr-1.0e-5",
                                                "kind-kimi_lr-2.0e-5", "kind-kimi_lr-3.0e-5"});
  CHECK(spec.runs[4].overrides() ==
        std::vector<std::string>{"reward.length_penalty.kind=kimi", "trainer.lr=2.0e-5"});
}

TEST_CASE("zip lists go together and cross the grid; names follow the template", "[sweep]") {
  const SweepSpec spec = parse(
      "command: sft\n"
      "grid: {run.seed: [0, 1]}\n"
      "zip:\n"
      "  reward.length_penalty.kind: [linear, kimi, cosine]\n"
      "  reward.length_penalty.alpha: [0.2, 0.5, 1]\n"
      "name: \"{reward.length_penalty.kind}/{reward.length_penalty.alpha} s{run.seed}\"\n"
      "parallel: 3\n"
      "out: elsewhere\n");
  CHECK(spec.command == "sft");
  CHECK(spec.parallel == 3);
  CHECK(spec.out == "elsewhere");
  // Characters other than letters, digits and ._-+= become _.
  CHECK(names(spec) == std::vector<std::string>{"linear_0.2_s0", "kimi_0.5_s0", "cosine_1_s0",
                                                "linear_0.2_s1", "kimi_0.5_s1", "cosine_1_s1"});
  CHECK(spec.runs[1].values.size() == 3);
  CHECK(spec.runs[1].values[2].key == "reward.length_penalty.alpha");
  CHECK(spec.runs[1].values[2].text == "0.5");
}

TEST_CASE("list values become flow YAML; keys with the same leaf keep their paths", "[sweep]") {
  const SweepSpec spec = parse(
      "grid:\n"
      "  rollout.stop: [[\"</answer>\"], [a, b]]\n"
      "  data.seed: [1]\n"
      "  run.seed: [2]\n");
  REQUIRE(spec.runs.size() == 2);
  CHECK(spec.runs[1].values[0].yaml == "[a, b]");
  CHECK(spec.runs[1].name == "stop-_a__b__data.seed-1_run.seed-2");
}

TEST_CASE("random draws are reproducible, in range and rounded", "[sweep]") {
  const std::string text =
      "random:\n"
      "  samples: 20\n"
      "  seed: 7\n"
      "  trainer.lr: {min: 1.0e-6, max: 1.0e-3, log: true}\n"
      "  trainer.steps: {min: 10, max: 12, integer: true}\n"
      "  reward.length_penalty.kind: {choices: [linear, kimi]}\n"
      "grid: {run.seed: [0, 1]}\n";
  const SweepSpec a = parse(text);
  const SweepSpec b = parse(text);
  REQUIRE(a.runs.size() == 40);  // axes in the order written: each draw crosses the grid
  CHECK(names(a) == names(b));
  std::set<std::string> kinds, steps;
  for (const SweepRun& run : a.runs) {
    const double lr = std::stod(run.values[0].yaml);
    CHECK(lr >= 1e-6);
    CHECK(lr <= 1e-3);
    CHECK(run.values[0].yaml.size() <= 10);  // 4 significant digits, e.g. 3.162e-05
    steps.insert(run.values[1].yaml);
    kinds.insert(run.values[2].yaml);
  }
  CHECK(steps == std::set<std::string>{"10", "11", "12"});
  CHECK(kinds == std::set<std::string>{"linear", "kimi"});
  // The same draws for every grid point: runs 0 and 1 differ only in run.seed.
  CHECK(a.runs[0].overrides()[0] == a.runs[1].overrides()[0]);
  CHECK(a.runs[0].values[3].yaml != a.runs[1].values[3].yaml);
  // Another seed, other draws.
  const SweepSpec c = parse(absl::StrReplaceAll(text, {{"seed: 7", "seed: 8"}}));
  CHECK(names(c) != names(a));
}

TEST_CASE("sweep file mistakes are errors at their line and column", "[sweep]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"grid: {trainer.lr: [1]}\ngird: 1\n",
       "s.yaml:2:1: unknown key `gird`; did you mean `grid`?"},
      {"zip:\n  trainer.lr: [1, 2]\n  trainer.steps: [1, 2, 3]\n",
       "s.yaml:3:18: `zip`: `trainer.steps` has 3 values but `trainer.lr` has 2; zipped lists "
       "must be equally long"},
      {"grid: {trainer.lr: 1}\n", "s.yaml:1:20: `trainer.lr`: expected a non-empty list"},
      {"grid: {trainer.lr: [1]}\nparallel: two\n",
       "s.yaml:2:11: `parallel`: expected an integer, got `two`"},
      {"grid: {trainer.lr: [1]}\nzip: {trainer.lr: [2]}\n",
       "s.yaml:2:7: `trainer.lr` is already an axis at s.yaml:1:8"},
      {"grid: {trainer.lr: [1, 2]}\nname: \"{trainer.lrr}\"\n",
       "s.yaml:2:7: `name` refers to `{trainer.lrr}`, which is not an axis key; did you mean "
       "`{trainer.lr}`?"},
      {"grid: {trainer.lr: [1, 2], run.seed: [0]}\nname: \"{run.seed}\"\n",
       "runs 1 and 2 are both named `0`"},
      {"random: {samples: 2, trainer.lr: {min: 0, max: 1, log: true}}\n",
       "`log: true` needs `min` > 0"},
      {"random: {samples: 2, trainer.lr: {min: 2, max: 1}}\n", "`max` (1) is below `min` (2)"},
      {"random: {trainer.lr: {choices: [1]}}\n", "`random` needs `samples: N`"},
      {"base: default.yaml\n", "the sweep has no axis"},
      {"base: default.json\ngrid: {trainer.lr: [1]}\n",
       "s.yaml:1:7: `default.json` is neither a config file"},
      {"grid: {trainer.lr: [{a: 1}]}\n",
       "a value must be a scalar or a list of scalars, got a mapping"},
      {"grid: [1\n", "malformed YAML"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const auto spec = parse_sweep_spec(text, "s.yaml");
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(spec.status().message()), Catch::Contains(expected));
  }
}

TEST_CASE("axis keys are checked against the config's keys", "[sweep]") {
  const SweepSpec spec = parse("grid:\n  trainer.lr: [1]\n  trainer.stesp: [1]\n");
  const absl::Status status = check_sweep_keys(spec, {"trainer", "trainer.lr", "trainer.steps"});
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(status.message() ==
        "configs/sweeps/s.yaml:3:3: unknown key `trainer.stesp`; did you mean `trainer.steps`?");
}

}  // namespace
}  // namespace terse
