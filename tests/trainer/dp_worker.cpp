// One rank of the data-parallel equivalence test: `dp_worker` under torchrun variables.
// Every rank builds the same tiny model and the same batch; it then (1) computes the gradient of
// the whole batch alone, and (2) the gradient of its share with global denominators, summed over
// ranks. The two must agree in every aggregation mode, PPO's advantage whitening of the shares
// must equal the whole batch's, and one AdamW step from either must give the same weights on
// every rank. Prints what it checked; exits 0 when all held.
#include <cstdio>
#include <iostream>
#include <torch/torch.h>

#include "core/process_group.h"
#include "core/status.h"
#include "models/hf_checkpoint.h"
#include "trainer/data_parallel.h"
#include "trainer/rl_algorithm.h"

namespace terse {
namespace {

struct Batch {
  at::Tensor ids;           // [N, S]
  at::Tensor mask;          // [N, S-1] completion tokens
  at::Tensor old_logprobs;  // [N, S-1]
  at::Tensor advantages;    // [N]
};

Batch make_batch(int64_t vocab) {
  torch::manual_seed(5);
  Batch b;
  b.ids = torch::randint(vocab, {6, 9}, torch::kLong);
  b.mask = torch::ones({6, 8});
  b.mask.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 3)}, 0);  // prompt
  b.mask.index_put_({2, torch::indexing::Slice(6)}, 0);  // a shorter completion
  b.old_logprobs = -torch::rand({6, 8}) * 3;
  b.advantages = torch::tensor({1.0f, -0.5f, 0.25f, -1.0f, 2.0f, -2.0f});
  return b;
}

at::Tensor loss_of(Transformer& model, const Batch& b, const torch::indexing::Slice& rows,
                   const PolicyLossConfig& config, const LossNormalizer& norm) {
  const at::Tensor ids = b.ids.index({rows});
  const int64_t count = ids.size(0), length = ids.size(1);
  const at::Tensor hidden =
      model->forward(ids, torch::ones_like(ids), torch::arange(length).expand({count, length}));
  PolicyLossInputs in;
  in.logprobs =
      model->token_logprobs(hidden.narrow(1, 0, length - 1), ids.narrow(1, 1, length - 1));
  in.old_logprobs = b.old_logprobs.index({rows});
  in.advantages = b.advantages.index({rows});
  in.mask = b.mask.index({rows});
  return policy_loss(in, config, norm).loss;
}

std::vector<at::Tensor> grads_of(Transformer& model) {
  std::vector<at::Tensor> grads;
  for (const auto& p : model->parameters()) grads.push_back(p.grad().clone());
  return grads;
}

int fail(const absl::Status& status) {
  std::cout << "error: " << status.message() << std::endl;
  return 1;
}

int run() {
  auto env = dist_env_from_environment();
  if (!env.ok()) return fail(env.status());
  auto group = ProcessGroup::connect(*env, ProcessGroupOptions{});
  if (!group.ok()) return fail(group.status());
  ModelConfig config;
  config.vocab_size = 23;
  config.hidden_size = 16;
  config.num_layers = 2;
  config.num_heads = 2;
  config.num_kv_heads = 1;
  config.intermediate_size = 24;
  auto made = make_model(config, 3);
  if (!made.ok()) return fail(made.status());
  Transformer model = *made;
  const Batch batch = make_batch(config.vocab_size);
  const int64_t rank = (*group)->rank(), world = (*group)->world_size();
  const int64_t share = 6 / world;
  const auto mine = torch::indexing::Slice(rank * share, (rank + 1) * share);
  bool ok = true;
  for (const auto mode : {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenMean,
                          LossAggregation::kSeqMeanTokenSumNorm}) {
    PolicyLossConfig loss;
    loss.aggregation = mode;
    loss.eps_high = 0.28;
    model->zero_grad();
    loss_of(model, batch, torch::indexing::Slice(), loss, count_batch(batch.mask, 8)).backward();
    const std::vector<at::Tensor> whole = grads_of(model);

    model->zero_grad();
    auto norm = global_normalizer(**group, count_batch(batch.mask.index({mine}), 8));
    if (!norm.ok()) return fail(norm.status());
    loss_of(model, batch, mine, loss, *norm).backward();
    if (auto s = all_reduce_gradients(**group, model->parameters()); !s.ok()) return fail(s);
    double worst = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
      worst =
          std::max(worst, (model->parameters()[i].grad() - whole[i]).abs().max().item<double>());
    }
    std::printf("mode %d: max gradient difference %.3g\n", static_cast<int>(mode), worst);
    ok = ok && worst < 1e-6;
  }
  // PPO's advantage whitening over the ranks' shares equals whitening the whole batch alone.
  auto alone = ProcessGroup::connect(DistEnv{}, ProcessGroupOptions{});
  if (!alone.ok()) return fail(alone.status());
  const at::Tensor values = torch::randn({6, 8}, torch::kFloat) * 3 + 1;  // [N, S-1]
  auto whole = global_masked_whiten(**alone, values, batch.mask);
  auto shared = global_masked_whiten(**group, values.index({mine}), batch.mask.index({mine}));
  if (!whole.ok()) return fail(whole.status());
  if (!shared.ok()) return fail(shared.status());
  const double whiten_gap = (*shared - whole->index({mine})).abs().max().item<double>();
  std::printf("whitening: max difference from the whole batch's %.3g\n", whiten_gap);
  ok = ok && whiten_gap < 1e-6 && whole->abs().max().item<double>() > 0.5;
  // batch_std advantages from the ranks' shares equal those of the whole batch alone: 12 rewards
  // in groups of 2, which 2 or 3 ranks split without cutting a group.
  const at::Tensor rewards = torch::rand({12}, torch::kFloat);    // the same on every rank
  const at::Tensor groups = torch::arange(12, torch::kLong) / 2;  // [12]
  const int64_t part = 12 / world;
  const auto my_rows = torch::indexing::Slice(rank * part, (rank + 1) * part);
  auto whole_advantages = batch_std_advantages(**alone, rewards, groups);
  auto my_advantages =
      batch_std_advantages(**group, rewards.index({my_rows}), groups.index({my_rows}));
  if (!whole_advantages.ok()) return fail(whole_advantages.status());
  if (!my_advantages.ok()) return fail(my_advantages.status());
  const double batch_std_gap =
      (*my_advantages - whole_advantages->index({my_rows})).abs().max().item<double>();
  std::printf("batch_std: max difference from the whole batch's %.3g\n", batch_std_gap);
  ok = ok && batch_std_gap < 1e-5 && whole_advantages->abs().max().item<double>() > 0.5;
  // One AdamW step on the summed gradients: the weights must be identical on every rank.
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-2));
  optimizer.step();
  at::Tensor checksum = torch::zeros({1}, torch::kDouble);
  for (const auto& p : model->parameters()) checksum += p.to(torch::kDouble).pow(2).sum();
  // A rank's checksum equals the mean over ranks only when all are equal; any difference fails
  // on some rank.
  at::Tensor total = checksum.clone();
  if (auto s = (*group)->all_reduce_sum({total}); !s.ok()) return fail(s);
  const double spread = std::abs(total.item<double>() / world - checksum.item<double>());
  std::printf("weights checksum %.17g, distance from the ranks' mean %.3g\n",
              checksum.item<double>(), spread);
  ok = ok && spread <= 1e-12 * std::abs(checksum.item<double>());
  std::cout << (ok ? "data-parallel ok" : "data-parallel WRONG") << std::endl;
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace terse

int main() {
  try {
    return terse::run();
  } catch (const std::exception& e) {
    std::cerr << "dp_worker: " << e.what() << std::endl;
    return 1;
  }
}
