// One rank of the process-group tests: `dist_worker SCENARIO [DIR]`, with the torchrun variables
// set (by the test or by `terse launch`). Prints what it checked; exits 0 when every check held.
#include <signal.h>
#include <unistd.h>

#include <ATen/ATen.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/checkpoint.h"
#include "core/process_group.h"
#include "core/status.h"

namespace terse {
namespace {

int fail(const absl::Status& status) {
  std::cout << "error: " << status.message() << std::endl;
  return exit_code_for(status);
}

bool all_equal(const at::Tensor& actual, const at::Tensor& expected) {
  return at::equal(actual, expected.to(actual.scalar_type()));
}

int all_reduce(ProcessGroup& group) {
  const double r = static_cast<double>(group.rank()), w = static_cast<double>(group.world_size());
  // Three tensors of two dtypes: with 64-byte buckets they travel in several buckets.
  const at::Tensor a = at::full({3}, r + 1);  // float
  const at::Tensor b = at::tensor({1.0, 2.0, 3.0, 4.0}, at::kDouble).view({2, 2}) * r;
  const at::Tensor c = at::arange(20, at::kFloat) * (r + 1);  // 80 bytes: own bucket
  if (auto s = group.all_reduce_sum({a, b, c}); !s.ok()) return fail(s);
  const double sum_r1 = w * (w + 1) / 2, sum_r = w * (w - 1) / 2;  // sum of r+1 and of r
  const bool ok = all_equal(a, at::full({3}, sum_r1)) &&
                  all_equal(b, at::tensor({1.0, 2.0, 3.0, 4.0}).view({2, 2}) * sum_r) &&
                  all_equal(c, at::arange(20, at::kFloat) * sum_r1);
  std::cout << (ok ? "all-reduce ok" : "all-reduce WRONG") << std::endl;
  return ok ? 0 : 1;
}

int broadcast(ProcessGroup& group) {
  const at::Tensor t = at::full({4}, static_cast<float>(group.rank() + 10));
  if (auto s = group.broadcast({t}, 1); !s.ok()) return fail(s);
  const bool ok = all_equal(t, at::full({4}, 11.0f));
  std::cout << (ok ? "broadcast ok" : "broadcast WRONG") << std::endl;
  return ok ? 0 : 1;
}

int send_recv(ProcessGroup& group) {
  const at::Tensor t = at::zeros({2});
  if (group.rank() == 0) {
    t.fill_(42);
    if (auto s = group.send(t, 1, 7); !s.ok()) return fail(s);
    std::cout << "sent" << std::endl;
    return 0;
  }
  if (auto s = group.recv(t, 0, 7); !s.ok()) return fail(s);
  const bool ok = all_equal(t, at::full({2}, 42.0f));
  std::cout << (ok ? "received ok" : "received WRONG") << std::endl;
  return ok ? 0 : 1;
}

// Three ranks: group "pair" of ranks 0 and 2 all-reduces and broadcasts (two dtypes, so two
// buckets) from its member 1 (launch rank 2); group "duo" of ranks 0 and 1 carries an
// asynchronous send. A group that leaves out the caller is refused.
int subgroups(ProcessGroup& group) {
  const int64_t rank = group.rank();
  bool ok = true;
  if (auto refused = group.subgroup({(rank + 1) % 3}, "alone"); refused.ok()) {
    std::cout << "a group without this rank was accepted" << std::endl;
    ok = false;
  }
  if (rank == 0 || rank == 2) {
    auto pair = group.subgroup({0, 2}, "pair");
    if (!pair.ok()) return fail(pair.status());
    const at::Tensor sum = at::full({2}, static_cast<float>(rank + 1));
    if (auto s = (*pair)->all_reduce_sum({sum}); !s.ok()) return fail(s);
    ok = ok && all_equal(sum, at::full({2}, 4.0f)) && (*pair)->rank() == rank / 2;
    const at::Tensor a = at::full({3}, static_cast<float>(rank));
    const at::Tensor b = at::full({2, 2}, static_cast<double>(rank) * 10);
    if (auto s = (*pair)->broadcast({a, b}, 1); !s.ok()) return fail(s);
    ok = ok && all_equal(a, at::full({3}, 2.0f)) && all_equal(b, at::full({2, 2}, 20.0));
  }
  if (rank == 0 || rank == 1) {
    auto duo = group.subgroup({0, 1}, "duo");
    if (!duo.ok()) return fail(duo.status());
    const at::Tensor t = at::zeros({5}, at::kLong);
    if (rank == 0) {
      t.copy_(at::arange(5, at::kLong));
      auto pending = (*duo)->send_async(t, 1, 3);
      if (!pending.ok()) return fail(pending.status());
      if (auto s = pending->wait(); !s.ok()) return fail(s);
    } else {
      if (auto s = (*duo)->recv(t, 0, 3); !s.ok()) return fail(s);
      ok = ok && all_equal(t, at::arange(5, at::kLong));
    }
  }
  std::cout << (ok ? "subgroups ok" : "subgroups WRONG") << std::endl;
  return ok ? 0 : 1;
}

// Rank 1 leaves (or stalls) after the first all-reduce; the others must fail, not hang.
int peer_lost(ProcessGroup& group, bool hang) {
  const at::Tensor t = at::ones({8});
  if (auto s = group.all_reduce_sum({t}); !s.ok()) return fail(s);
  if (group.rank() == 1) {
    if (hang) ::sleep(120);
    std::exit(7);
  }
  if (auto s = group.all_reduce_sum({t}); !s.ok()) return fail(s);
  std::cout << "second all-reduce unexpectedly succeeded" << std::endl;
  return 0;
}

// Rank 0 saves checkpoints under `root` whose files hold a sum over every rank, so each save
// runs an all-reduce; rank 1 joins the first and is then killed (SIGKILL), so the second save
// fails in the middle. Rank 0 must report the dead rank and keep the first checkpoint.
int die_during_save(ProcessGroup& group, const std::string& root) {
  const at::Tensor t = at::ones({4});
  if (group.rank() == 1) {
    if (auto s = group.all_reduce_sum({t}); !s.ok()) return fail(s);
    ::usleep(200'000);  // let the last bytes of the all-reduce leave; rank 0 is saving meanwhile
    ::raise(SIGKILL);
  }
  const auto files = [&](int64_t step) {
    return [&group, t, step](const std::filesystem::path& dir) -> absl::Status {
      std::ofstream(dir / "step.txt") << step << "\n";
      TERSE_RETURN_IF_ERROR(group.all_reduce_sum({t}));
      std::ofstream(dir / "sum.txt") << t.sum().item<float>() << "\n";
      return absl::OkStatus();
    };
  };
  if (auto saved = save_checkpoint(root, 1, files(1), 3); !saved.ok()) return fail(saved.status());
  std::cout << "saved step 1" << std::endl;
  if (auto saved = save_checkpoint(root, 2, files(2), 3); !saved.ok()) return fail(saved.status());
  std::cout << "second save unexpectedly succeeded" << std::endl;
  return 0;
}

int run(const std::string& scenario, const std::string& dir) {
  auto env = dist_env_from_environment();
  if (!env.ok()) return fail(env.status());
  ProcessGroupOptions options;
  options.rendezvous_timeout = std::chrono::seconds(6);
  options.collective_timeout = std::chrono::seconds(6);
  options.bucket_bytes = 64;
  auto group = ProcessGroup::connect(*env, options);
  if (!group.ok()) return fail(group.status());
  if (scenario == "all_reduce") return all_reduce(**group);
  if (scenario == "broadcast") return broadcast(**group);
  if (scenario == "send_recv") return send_recv(**group);
  if (scenario == "subgroups") return subgroups(**group);
  if (scenario == "die") return peer_lost(**group, false);
  if (scenario == "hang") return peer_lost(**group, true);
  if (scenario == "die_during_save") return die_during_save(**group, dir);
  std::cout << "unknown scenario " << scenario << std::endl;
  return 64;
}

}  // namespace
}  // namespace terse

int main(int argc, char** argv) {
  return terse::run(argc > 1 ? argv[1] : "", argc > 2 ? argv[2] : "");
}
