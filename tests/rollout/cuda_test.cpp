// GPU checks, hidden from a CPU run by the [.cuda] tag: run `terse_rollout_tests "[cuda]"` on a
// machine with a CUDA LibTorch and a GPU (scripts/device/gpu_check.sh does).
#include "core/device.h"
#include "rollout/sampling_engine.h"
#include "tests/catch.h"
#include "tests/rollout/tiny_model.h"

namespace terse {
namespace {

c10::Device gpu() {
  const auto device = select_device(Device::kCuda, 0, gpu_availability());
  REQUIRE(device.ok());
  return *device;
}

TEST_CASE("a model on the GPU computes the CPU's logits", "[.cuda]") {
  Transformer cpu = testing::tiny_rollout_model(7, 64);
  Transformer cuda = testing::tiny_rollout_model(7, 64, DType::kFloat32, gpu());
  const at::Tensor ids = at::randint(64, {3, 12}, at::kLong);
  const at::Tensor mask = at::ones({3, 12}, at::kLong);
  const at::Tensor positions = at::arange(12, at::kLong).expand({3, 12});
  const at::Tensor on_cpu = cpu->logits(cpu->forward(ids, mask, positions));
  const at::Tensor on_gpu =
      cuda->logits(cuda->forward(ids.cuda(), mask.cuda(), positions.cuda())).cpu();
  CHECK((on_cpu - on_gpu).abs().max().item<float>() < 1e-3);
}

TEST_CASE("the rollout engine samples on the GPU, reproducibly, in bf16", "[.cuda]") {
  Transformer model = testing::tiny_rollout_model(7, 64, DType::kBFloat16, gpu());
  GenerationConfig config;
  config.max_new_tokens = 16;
  config.group_size = 4;
  config.seed = 3;
  const std::vector<PromptSpec> prompts = {{{1, 2, 3}, 0}, {{4, 5}, 1}};
  const Trajectory a = generate(model, prompts, config, {}, 0);
  const Trajectory b = generate(model, prompts, config, {}, 0);
  CHECK(at::equal(a.completion_ids, b.completion_ids));
  CHECK(a.completion_mask.sum().item<float>() == 2 * 4 * 16);
  CHECK(at::isfinite(a.behavior_logprobs).all().item<bool>());
}

}  // namespace
}  // namespace terse
