// Hand-computed advantages, clipped losses, KL estimators, GAE and the critic loss; a float64
// finite-difference check of the surrogate gradient; gradient accumulation equals one batch.
#include <cmath>
#include <torch/torch.h>

#include "tests/catch.h"
#include "tests/trainer/run_helpers.h"
#include "trainer/advantages.h"
#include "trainer/data_parallel.h"
#include "trainer/policy_loss.h"
#include "trainer/rl_algorithm.h"
#include "trainer/value_loss.h"

namespace terse {
namespace {

torch::Tensor f64(const std::vector<double>& values) {
  return torch::tensor(values, torch::kDouble);
}

void check_close(const torch::Tensor& actual, const std::vector<double>& expected,
                 double tol = 1e-5) {
  REQUIRE(actual.numel() == static_cast<int64_t>(expected.size()));
  const torch::Tensor flat = actual.to(torch::kDouble).flatten();
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    CHECK(flat[i].item<double>() == Approx(expected[i]).margin(tol));
  }
}

TEST_CASE("group advantages by hand, with interleaved groups", "[advantages]") {
  // Group 7: r = 1, 0, 0, 1: mean 0.5, deviations +-0.5, unbiased var = 4 * 0.25 / 3 = 1/3,
  //   std = 0.5773503, A = +-0.5 / 0.5773503 = +-0.8660254.
  // Group 3: r = 0.5, 0.5: std 0, so A = 0 / eps = 0.
  // Group 9: one sample: A = 0.
  // Group 1: r = 3, 1, 2: mean 2, deviations 1, -1, 0, var = 2 / 2 = 1, A = 1, -1, 0.
  const torch::Tensor rewards = torch::tensor({1.0, 3.0, 0.0, 0.5, 1.0, 0.0, 0.5, 2.0, 1.0, 2.0});
  const torch::Tensor groups = torch::tensor({7, 1, 7, 3, 1, 7, 3, 9, 7, 1}, torch::kLong);

  const torch::Tensor grpo = group_advantages(rewards, groups, AdvantageScale::kStd);
  check_close(grpo, {0.8660254, 1, -0.8660254, 0, -1, -0.8660254, 0, 0, 0.8660254, 0});

  // Dr. GRPO keeps the centred rewards.
  const torch::Tensor dr = group_advantages(rewards, groups, AdvantageScale::kNone);
  check_close(dr, {0.5, 1, -0.5, 0, -1, -0.5, 0, 0, 0.5, 0});
  CHECK(dr.scalar_type() == torch::kFloat);
}

TEST_CASE("batch_std divides the group-centred rewards by their std over the batch",
          "[advantages]") {
  // Group 0: r = 1, 0 -> centred 0.5, -0.5. Group 1: r = 1, 1, 1, 0 -> mean 0.75, centred
  // 0.25, 0.25, 0.25, -0.75. Over the batch: sum 0, sum of squares 0.25 + 0.25 + 3 * 0.0625 +
  // 0.5625 = 1.25, unbiased var 1.25 / 5 = 0.25, std 0.5: A = 1, -1, 0.5, 0.5, 0.5, -1.5.
  // (GRPO's per-group std would give group 0 +-0.7071 and group 1 0.5, 0.5, 0.5, -1.5.)
  const torch::Tensor rewards = torch::tensor({1.0, 0.0, 1.0, 1.0, 1.0, 0.0});
  const torch::Tensor groups = torch::tensor({0, 0, 1, 1, 1, 1}, torch::kLong);
  auto alone = testing::single_process();
  const auto batch = batch_std_advantages(*alone, rewards, groups);
  REQUIRE(batch.ok());
  check_close(*batch, {1, -1, 0.5, 0.5, 0.5, -1.5});
  check_close(group_advantages(rewards, groups, AdvantageScale::kStd),
              {0.7071068, -0.7071068, 0.5, 0.5, 0.5, -1.5});
  // The sums behind it, as ranks add them: a batch split in two gives the same std.
  const MomentSums a = moment_sums(torch::tensor({0.5, -0.5}));
  const MomentSums b = moment_sums(torch::tensor({0.25, 0.25, 0.25, -0.75}));
  CHECK(batch_std({a.sum + b.sum, a.sum_sq + b.sum_sq, a.count + b.count}) == Approx(0.5));
  CHECK(batch_std(moment_sums(torch::tensor({3.0}))) == 0.0);
}

// Two sequences of three tokens. Ratios exp(logp - old) are 1.5, 0.5, 1.0 in both rows.
// Row 0 has A = +1 and three valid tokens; row 1 has A = -2 and two valid tokens.
PolicyLossInputs hand_batch() {
  const double l15 = std::log(1.5), l05 = std::log(0.5);
  PolicyLossInputs in;
  in.old_logprobs = f64({-1, -2, -3, -1, -2, -3}).view({2, 3});
  in.logprobs = in.old_logprobs + f64({l15, l05, 0, l15, l05, 0}).view({2, 3});
  in.advantages = f64({1, -2});
  in.mask = f64({1, 1, 1, 1, 1, 0}).view({2, 3});
  return in;
}

PolicyLossConfig clip_higher(LossAggregation aggregation) {
  PolicyLossConfig config;
  config.eps_low = 0.2;
  config.eps_high = 0.28;
  config.aggregation = aggregation;
  return config;
}

TEST_CASE("clipped loss by hand in each aggregation mode", "[policy_loss]") {
  // Per-token loss -min(rho A, clip(rho, 0.8, 1.28) A):
  //   row 0 (A = +1): rho 1.5 -> -min(1.5, 1.28) = -1.28 (clipped); rho 0.5 -> -min(0.5, 0.8)
  //     = -0.5; rho 1 -> -1.  Sum -2.78 over 3 tokens.
  //   row 1 (A = -2): rho 1.5 -> -min(-3, -2.56) = 3; rho 0.5 -> -min(-1, -1.6) = 1.6
  //     (clipped); third token masked.  Sum 4.6 over 2 tokens.
  const PolicyLossInputs in = hand_batch();
  const LossNormalizer norm = count_batch(in.mask, 4);  // 5 tokens, 2 sequences, constant 4

  SECTION("token_mean: (-2.78 + 4.6) / 5 = 0.364") {
    const LossOutput out = policy_loss(in, clip_higher(LossAggregation::kTokenMean), norm);
    CHECK(out.loss.item<double>() == Approx(0.364));
    CHECK(out.metrics.at("policy/clip_frac") == Approx(0.4));   // 2 of 5 tokens
    CHECK(out.metrics.at("policy/ratio_mean") == Approx(1.0));  // (1.5+0.5+1+1.5+0.5) / 5
    CHECK(out.metrics.at("policy/kl") == 0.0);
  }
  SECTION("seq_mean_token_mean: (-2.78 / 3 + 4.6 / 2) / 2 = 0.6866667") {
    const LossOutput out = policy_loss(in, clip_higher(LossAggregation::kSeqMeanTokenMean), norm);
    CHECK(out.loss.item<double>() == Approx(0.6866667));
  }
  SECTION("seq_mean_token_sum_norm: (-2.78 + 4.6) / (2 * 4) = 0.2275") {
    const LossOutput out =
        policy_loss(in, clip_higher(LossAggregation::kSeqMeanTokenSumNorm), norm);
    CHECK(out.loss.item<double>() == Approx(0.2275));
  }
}

TEST_CASE("GSPO's sequence ratio and clip on a hand-worked batch", "[policy_loss]") {
  // Row 0 (A = +1, three tokens): s_0 = exp((ln 1.5 + ln 0.5 + 0) / 3) = 0.75^(1/3) = 0.9085603.
  // Row 1 (A = -2, two tokens): s_1 = exp((ln 1.5 + ln 0.5) / 2) = 0.75^(1/2) = 0.8660254.
  PolicyLossInputs in = hand_batch();
  in.logprobs.requires_grad_(true);
  const LossNormalizer norm = count_batch(in.mask, 1);                 // 2 sequences
  PolicyLossConfig config = clip_higher(LossAggregation::kTokenMean);  // [0.8, 1.28]: no clip
  LossOutput out = sequence_policy_loss(in, config, norm);
  // (-1 * 0.9085603 + 2 * 0.8660254) / 2 = 0.4117453.
  CHECK(out.loss.item<double>() == Approx(0.4117453).margin(1e-6));
  CHECK(out.metrics.at("policy/clip_frac") == 0.0);
  // Ratio per token, averaged over the 5 valid tokens: (3 * 0.9085603 + 2 * 0.8660254) / 5.
  CHECK(out.metrics.at("policy/ratio_mean") == Approx(0.8915464).margin(1e-6));
  // d loss / d logprob of a valid token: -A * s / |y| / sequences; 0 on the masked token.
  out.loss.backward();
  check_close(in.logprobs.grad(), {-0.1514267, -0.1514267, -0.1514267, 0.4330127, 0.4330127, 0.0});

  // With eps 0.1 the range is [0.9, 1.1]: row 1's ratio 0.866 with A < 0 is clipped to 0.9
  // (loss 1.8, no gradient), row 0's 0.9086 is not: (-0.9085603 + 1.8) / 2 = 0.4457199.
  in.logprobs.grad().zero_();
  config.eps_low = 0.1;
  config.eps_high = 0.1;
  out = sequence_policy_loss(in, config, norm);
  CHECK(out.loss.item<double>() == Approx(0.4457199).margin(1e-6));
  CHECK(out.metrics.at("policy/clip_frac") == Approx(0.4));  // row 1's 2 of 5 tokens
  out.loss.backward();
  check_close(in.logprobs.grad(), {-0.1514267, -0.1514267, -0.1514267, 0, 0, 0});
  // The per-token loss on the same batch is not the same number: the ratio level matters.
  CHECK(policy_loss(in, config, norm).loss.item<double>() !=
        Approx(out.loss.item<double>()).margin(1e-3));
}

TEST_CASE("k1 and k3 KL estimators by hand", "[policy_loss]") {
  // log pi = -1, log pi_ref = -1.5: k1 = 0.5; d = -0.5, k3 = e^-0.5 + 0.5 - 1 = 0.1065307.
  // log pi = -2, log pi_ref = -1: k1 = -1; d = 1, k3 = e - 1 - 1 = 0.7182818.
  const torch::Tensor logp = f64({-1, -2});
  const torch::Tensor ref = f64({-1.5, -1});
  check_close(kl_penalty(logp, ref, KlEstimator::kK1), {0.5, -1});
  check_close(kl_penalty(logp, ref, KlEstimator::kK3), {0.1065307, 0.7182818});
  check_close(kl_penalty(logp, ref, KlEstimator::kNone), {0, 0});
}

TEST_CASE("the KL term adds beta times its aggregated value", "[policy_loss]") {
  PolicyLossInputs in = hand_batch();
  // Reference 0.5 below the policy on every token: k1 = 0.5 everywhere.
  in.ref_logprobs = in.logprobs.detach() - 0.5;
  PolicyLossConfig config = clip_higher(LossAggregation::kTokenMean);
  config.kl = KlEstimator::kK1;
  config.kl_coef = 0.1;
  const LossOutput out = policy_loss(in, config, count_batch(in.mask, 4));
  // 0.364 + 0.1 * 0.5 = 0.414
  CHECK(out.loss.item<double>() == Approx(0.414));
  CHECK(out.metrics.at("policy/kl") == Approx(0.5));
  CHECK(out.metrics.at("policy/pg_loss") == Approx(0.364));
}

// Gradient of `loss_of(x)` by central differences, element by element.
torch::Tensor numeric_gradient(const std::function<double(const torch::Tensor&)>& loss_of,
                               const torch::Tensor& x, double h = 1e-6) {
  torch::Tensor grad = torch::zeros_like(x);
  for (int64_t i = 0; i < x.numel(); ++i) {
    torch::Tensor plus = x.clone(), minus = x.clone();
    plus.view(-1)[i] += h;
    minus.view(-1)[i] -= h;
    grad.view(-1)[i] = (loss_of(plus) - loss_of(minus)) / (2 * h);
  }
  return grad;
}

TEST_CASE("float64 finite differences agree with the surrogate's autograd gradient",
          "[policy_loss]") {
  torch::manual_seed(7);
  PolicyLossInputs in;
  in.old_logprobs = -torch::rand({4, 5}, torch::kDouble) * 3;
  in.ref_logprobs = in.old_logprobs + 0.3 * torch::randn({4, 5}, torch::kDouble);
  in.advantages = torch::tensor({1.3, -0.7, 0.4, -2.0}, torch::kDouble);
  in.mask = (torch::rand({4, 5}, torch::kDouble) > 0.2).to(torch::kDouble);
  const torch::Tensor start = in.old_logprobs + 0.4 * torch::randn({4, 5}, torch::kDouble);

  for (const LossAggregation mode :
       {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenMean,
        LossAggregation::kSeqMeanTokenSumNorm}) {
    PolicyLossConfig config = clip_higher(mode);
    config.kl = KlEstimator::kK3;
    config.kl_coef = 0.05;
    const LossNormalizer norm = count_batch(in.mask, 6);
    auto loss_of = [&](const torch::Tensor& logprobs) {
      PolicyLossInputs copy = in;
      copy.logprobs = logprobs;
      return policy_loss(copy, config, norm).loss.item<double>();
    };
    torch::Tensor x = start.clone().requires_grad_(true);
    PolicyLossInputs with_grad = in;
    with_grad.logprobs = x;
    policy_loss(with_grad, config, norm).loss.backward();
    const torch::Tensor numeric = numeric_gradient(loss_of, start);
    INFO("aggregation " << static_cast<int>(mode));
    CHECK(torch::allclose(x.grad(), numeric, /*rtol=*/1e-5, /*atol=*/1e-8));
    CHECK(x.grad().abs().sum().item<double>() > 0);  // the fixture really moves the loss
  }
}

TEST_CASE("accumulating micro-batches gives the gradient of the whole batch", "[policy_loss]") {
  torch::manual_seed(3);
  PolicyLossInputs in;
  in.old_logprobs = -torch::rand({6, 4}, torch::kDouble) * 2;
  in.advantages = torch::tensor({1.0, -1.0, 0.5, -0.5, 2.0, -2.0}, torch::kDouble);
  in.mask = torch::ones({6, 4}, torch::kDouble);
  in.mask.index_put_({1, torch::indexing::Slice(2)}, 0);
  in.mask.index_put_({4, torch::indexing::Slice(1)}, 0);
  const torch::Tensor start = in.old_logprobs + 0.3 * torch::randn({6, 4}, torch::kDouble);

  for (const LossAggregation mode :
       {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenMean,
        LossAggregation::kSeqMeanTokenSumNorm}) {
    const PolicyLossConfig config = clip_higher(mode);
    const LossNormalizer whole = count_batch(in.mask, 4);

    torch::Tensor x_whole = start.clone().requires_grad_(true);
    PolicyLossInputs all = in;
    all.logprobs = x_whole;
    policy_loss(all, config, whole).loss.backward();

    torch::Tensor x_micro = start.clone().requires_grad_(true);
    for (const auto& rows : {torch::indexing::Slice(0, 2), torch::indexing::Slice(2, 6)}) {
      PolicyLossInputs part;
      part.logprobs = x_micro.index({rows});
      part.old_logprobs = in.old_logprobs.index({rows});
      part.advantages = in.advantages.index({rows});
      part.mask = in.mask.index({rows});
      policy_loss(part, config, whole).loss.backward();  // whole-batch denominators
    }
    INFO("aggregation " << static_cast<int>(mode));
    CHECK(torch::allclose(x_whole.grad(), x_micro.grad(), 1e-12, 1e-14));
  }
}

TEST_CASE("GAE by hand", "[advantages]") {
  // gamma 1, lambda 0.9. Row 0, all valid: rewards 0, 0, 1; values 0.5, 0.6, 0.7.
  //   t2: delta = 1 - 0.7 = 0.3, A = 0.3;  t1: delta = 0.7 - 0.6 = 0.1, A = 0.1 + 0.9 * 0.3 = 0.37
  //   t0: delta = 0.6 - 0.5 = 0.1, A = 0.1 + 0.9 * 0.37 = 0.433; returns A + V.
  // Row 1, last token padding: rewards 0, 1, (5); values 0.2, 0.4, (9).
  //   t1: delta = 1 + 0 - 0.4 = 0.6, A = 0.6;  t0: delta = 0.4 - 0.2 = 0.2, A = 0.2 + 0.54 = 0.74.
  const torch::Tensor rewards = f64({0, 0, 1, 0, 1, 5}).view({2, 3});
  const torch::Tensor values = f64({0.5, 0.6, 0.7, 0.2, 0.4, 9}).view({2, 3});
  const torch::Tensor mask = f64({1, 1, 1, 1, 1, 0}).view({2, 3});
  const GaeResult result = gae(rewards, values, mask, 1.0, 0.9);
  check_close(result.advantages, {0.433, 0.37, 0.3, 0.74, 0.6, 0});
  check_close(result.returns, {0.933, 0.97, 1.0, 0.94, 1.0, 0});
}

TEST_CASE("masked whitening uses only the valid entries", "[advantages]") {
  // Valid 1, 2, 3: mean 2, population var 2/3, so -1, 0, 1 become +-1.2247449.
  const torch::Tensor x = f64({1, 2, 3, 100}).view({1, 4});
  const torch::Tensor mask = f64({1, 1, 1, 0}).view({1, 4});
  auto alone = ProcessGroup::connect(DistEnv{}, ProcessGroupOptions{});
  REQUIRE(alone.ok());
  check_close(global_masked_whiten(**alone, x, mask, 0.0).value(), {-1.2247449, 0, 1.2247449, 0});
}

TEST_CASE("clipped value loss by hand", "[value_loss]") {
  // Token 0: V 1, old 0.5, R 2: (1-2)^2 = 1; V_clip = 0.5 + 0.2 = 0.7, (0.7-2)^2 = 1.69 -> 1.69.
  // Token 1: V 2, old 2.5, R 1: (2-1)^2 = 1; V_clip = 2.5 - 0.2 = 2.3, (2.3-1)^2 = 1.69 -> 1.69.
  // Token 2: V 3, old 3, R 0: 9 either way (not counted as clipped).
  // Loss = 0.5 * (1.69 + 1.69 + 9) / 3 = 2.0633333; clip fraction 2/3.
  const torch::Tensor values = f64({1, 2, 3}).view({1, 3});
  const torch::Tensor old_values = f64({0.5, 2.5, 3}).view({1, 3});
  const torch::Tensor returns = f64({2, 1, 0}).view({1, 3});
  const torch::Tensor mask = torch::ones({1, 3}, torch::kDouble);
  const LossOutput out = value_loss(values, old_values, returns, mask, 0.2, count_batch(mask, 1));
  CHECK(out.loss.item<double>() == Approx(2.0633333));
  CHECK(out.metrics.at("value/clip_frac") == Approx(2.0 / 3.0));
  // Without clipping: 0.5 * (1 + 1 + 9) / 3 = 1.8333333.
  const LossOutput plain = value_loss(values, old_values, returns, mask, 0, count_batch(mask, 1));
  CHECK(plain.loss.item<double>() == Approx(1.8333333));
}

}  // namespace
}  // namespace terse
