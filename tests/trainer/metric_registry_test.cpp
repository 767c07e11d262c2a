// The metric registry: reduce_metrics by hand, undeclared names refused, and docs/METRICS.md
// equal to the registry.
#include "trainer/metric_registry.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "tests/catch.h"
#include "tests/test_util.h"
#include "tests/trainer/run_helpers.h"

namespace terse {
namespace {

TEST_CASE("reduce_metrics sums, and divides means by their total weight", "[metrics]") {
  auto group = testing::single_process();
  // One rank: a token mean is its sum over the tokens, a sample mean over the samples.
  const auto reduced =
      reduce_metrics(*group, {{"loss", 0.5}, {"policy/kl", 3.0}, {"policy/staleness", 2.0}},
                     {/*tokens=*/6, /*samples=*/4});
  REQUIRE(reduced.ok());
  CHECK(reduced->at("loss") == 0.5);
  CHECK(reduced->at("policy/kl") == Approx(0.5));
  CHECK(reduced->at("policy/staleness") == Approx(0.5));
  // No tokens or samples at all: the means are 0, not NaN.
  const auto empty = reduce_metrics(*group, {{"policy/kl", 0.0}}, {});
  REQUIRE(empty.ok());
  CHECK(empty->at("policy/kl") == 0.0);

  const auto undeclared = reduce_metrics(*group, {{"policy/kll", 1.0}}, {});
  CHECK_THAT(std::string(undeclared.status().message()), Catch::Contains("`policy/kll`"));
  // A metric computed from every rank's samples is not reduced again.
  CHECK_FALSE(reduce_metrics(*group, {{"length/mean", 1.0}}, {}).ok());
}

TEST_CASE("every metric is declared once, and undeclared ones are refused", "[metrics]") {
  std::set<std::string> names;
  for (const MetricInfo& m : metric_registry()) {
    INFO(m.name);
    CHECK(names.insert(std::string(m.name)).second);
    CHECK(std::string(m.meaning).size() > 10);
  }
  CHECK(check_registered({{"loss", 1}, {"eval/accuracy", 0.5}}).ok());
  const absl::Status unknown = check_registered({{"loss", 1}, {"reward/length", 0.5}});
  CHECK_THAT(std::string(unknown.message()), Catch::Contains("`reward/length` is not declared"));
  // Per-level names resolve to their "@L" entry; anything else after "@" does not.
  CHECK(find_metric("eval/accuracy@3") == find_metric("eval/accuracy@L"));
  CHECK(find_metric("length/mean@12") != nullptr);
  CHECK(find_metric("eval/accuracy@x") == nullptr);
  CHECK(find_metric("eval/accuracy@") == nullptr);
  CHECK(find_metric("loss@2") == nullptr);
  for (const std::string& name : chart_metrics()) CHECK(find_metric(name)->chart);
  for (const char* name : {kAccuracyMetric, kLengthMetric, kTokensPerCorrectMetric}) {
    CHECK(find_metric(name) != nullptr);
  }
}

TEST_CASE("docs/METRICS.md is the registry's table", "[metrics]") {
  const std::string path = std::string(TERSE_SOURCE_DIR) + "/docs/METRICS.md";
  // Regenerate: TERSE_WRITE_DOCS=1 build/tests/trainer/terse_trainer_tests '[metrics]'
  if (std::getenv("TERSE_WRITE_DOCS") != nullptr) std::ofstream(path) << metrics_markdown();
  const std::string doc = testing::read_file(path);
  INFO("docs/METRICS.md differs from the registry; regenerate it with TERSE_WRITE_DOCS=1");
  CHECK(doc == metrics_markdown());
}

}  // namespace
}  // namespace terse
