// The config headers carry no LibTorch: every command reads configs, and a tensor header costs
// each file that includes them seconds of compile time (~6 s for <torch/types.h>). The sanitizer
// build (tests/sanitize) compiles this file without LibTorch's include path, so a config header
// that reaches <torch/...> stops that build.
#include "tests/catch.h"
#include "trainer/training_config.h"

namespace terse {
namespace {

TEST_CASE("the training config reads without LibTorch", "[config]") {
  TrainerConfig trainer;
  CHECK(trainer.loss.eps_low == 0.2);
  CHECK(trainer.loss.advantage_scale == AdvantageScale::kStd);
  CHECK(trainer.loss.kl == KlEstimator::kNone);
}

}  // namespace
}  // namespace terse
