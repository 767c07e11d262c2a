#include "core/process_group.h"

#include <signal.h>
#include <unistd.h>

#include <ATen/ATen.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <thread>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

#if defined(TERSE_WITH_CUDA) && defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define TERSE_HAS_NCCL 1
#endif

namespace terse {

// The operations terse uses, over whichever c10d group type the build has (Gloo always, NCCL with
// CUDA). Holding the concrete type keeps this code the same on LibTorch 1.13, where the groups
// derive from c10d::ProcessGroup, and on 2.x, where they derive from c10d::Backend.
class ProcessGroup::Backend {
 public:
  virtual ~Backend() = default;
  virtual void all_reduce(std::vector<at::Tensor>& tensors) = 0;
  virtual void broadcast(std::vector<at::Tensor>& tensors, int64_t root) = 0;
  virtual void barrier() = 0;
  virtual void send(std::vector<at::Tensor>& tensors, int64_t to, int64_t tag) = 0;
  virtual void recv(std::vector<at::Tensor>& tensors, int64_t from, int64_t tag) = 0;
  // Starts a send; the returned function waits for it to finish (and throws as send does).
  virtual std::function<void()> send_async(std::vector<at::Tensor>& tensors, int64_t to,
                                           int64_t tag) = 0;
  // The backend of a group of `ranks` (positions in this group) that this process is member
  // `env.rank` of.
  virtual std::unique_ptr<Backend> subgroup(const DistEnv& env, const ProcessGroupOptions& options,
                                            const std::vector<int64_t>& ranks,
                                            const std::string& name) = 0;
  // Ranks (of the launch) on this host whose process no longer exists; "" when all live or
  // unknown.
  virtual std::string dead_local_ranks() = 0;
};

namespace {

// Whether process `pid` on this host has exited (gone, or a zombie not yet reaped).
bool process_gone(int64_t pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0) return true;
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(stat, line);
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() &&
         (line[paren + 2] == 'Z' || line[paren + 2] == 'X');
}

std::string host_name() {
  char name[256] = {0};
  ::gethostname(name, sizeof(name) - 1);
  return name;
}

// The c10d group of `env` over `group_store`. `root_store` is the launch's store, where every
// rank has recorded its host and pid; `ranks` are the launch ranks of the group's members.
std::unique_ptr<ProcessGroup::Backend> make_backend(const DistEnv& env,
                                                    const ProcessGroupOptions& options,
                                                    c10::intrusive_ptr<c10d::Store> group_store,
                                                    c10::intrusive_ptr<c10d::Store> root_store,
                                                    std::vector<int64_t> ranks);

template <class Group>
class C10dBackend : public ProcessGroup::Backend {
 public:
  C10dBackend(c10::intrusive_ptr<c10d::Store> root_store, c10::intrusive_ptr<Group> group,
              std::vector<int64_t> ranks)
      : store_(std::move(root_store)), group_(std::move(group)), ranks_(std::move(ranks)) {}

  void all_reduce(std::vector<at::Tensor>& tensors) override { group_->allreduce(tensors)->wait(); }
  void broadcast(std::vector<at::Tensor>& tensors, int64_t root) override {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
  }
  void barrier() override { group_->barrier()->wait(); }
  void send(std::vector<at::Tensor>& tensors, int64_t to, int64_t tag) override {
    group_->send(tensors, static_cast<int>(to), static_cast<int>(tag))->wait();
  }
  void recv(std::vector<at::Tensor>& tensors, int64_t from, int64_t tag) override {
    group_->recv(tensors, static_cast<int>(from), static_cast<int>(tag))->wait();
  }
  std::function<void()> send_async(std::vector<at::Tensor>& tensors, int64_t to,
                                   int64_t tag) override {
    auto work = group_->send(tensors, static_cast<int>(to), static_cast<int>(tag));
    return [work] { work->wait(); };
  }
  std::unique_ptr<Backend> subgroup(const DistEnv& env, const ProcessGroupOptions& options,
                                    const std::vector<int64_t>& ranks,
                                    const std::string& name) override {
    std::vector<int64_t> launch_ranks;
    for (const int64_t r : ranks) launch_ranks.push_back(ranks_[static_cast<size_t>(r)]);
    auto prefixed =
        c10::make_intrusive<c10d::PrefixStore>(absl::StrCat("terse/group/", name, "/"), store_);
    return make_backend(env, options, prefixed, store_, std::move(launch_ranks));
  }

  std::string dead_local_ranks() override {
    // A peer's sockets close while it exits, a moment before it is gone: look for up to 2 s.
    for (int attempt = 0; attempt < 20; ++attempt) {
      const std::string dead = find_dead_local_ranks();
      if (!dead.empty()) return dead;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

 private:
  std::string find_dead_local_ranks() {
    std::vector<int64_t> dead;
    try {
      for (const int64_t r : ranks_) {
        const std::vector<uint8_t> host = store_->get(absl::StrCat("terse/host/", r));
        const std::vector<uint8_t> pid = store_->get(absl::StrCat("terse/pid/", r));
        int64_t pid_value = 0;
        if (std::string(host.begin(), host.end()) == host_name() &&
            absl::SimpleAtoi(std::string(pid.begin(), pid.end()), &pid_value) &&
            process_gone(pid_value)) {
          dead.push_back(r);
        }
      }
    } catch (const std::exception&) {
      return "0 (the rank that hosts the rendezvous store is unreachable)";
    }
    return absl::StrJoin(dead, ", ");
  }

  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<Group> group_;
  std::vector<int64_t> ranks_;  // launch rank of each member
};

absl::Status read_int(const char* name, int64_t lo, int64_t* out) {
  const char* text = std::getenv(name);
  if (text == nullptr) return absl::OkStatus();
  if (!absl::SimpleAtoi(text, out) || *out < lo) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable ", name, "=\"", text, "\" must be an integer >= ", lo));
  }
  return absl::OkStatus();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistEnv& env) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  }
  if (env.master_addr == "localhost" || absl::StartsWith(env.master_addr, "127.")) {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

// Connects to (rank 0: serves) the rendezvous store and records who this rank is.
c10::intrusive_ptr<c10d::Store> open_store(const DistEnv& env, const ProcessGroupOptions& options) {
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<uint16_t>(env.master_port);
  store_options.isServer = env.rank == 0;
  store_options.numWorkers = static_cast<size_t>(env.world_size);
  store_options.waitWorkers = true;  // rank 0 waits (up to the timeout) for every rank
  store_options.timeout = options.rendezvous_timeout;
  auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
  const std::string host = host_name();
  const std::string pid = std::to_string(::getpid());
  const std::string world = std::to_string(env.world_size);
  store->set(absl::StrCat("terse/host/", env.rank), std::vector<uint8_t>(host.begin(), host.end()));
  store->set(absl::StrCat("terse/pid/", env.rank), std::vector<uint8_t>(pid.begin(), pid.end()));
  store->set(absl::StrCat("terse/world_size/", env.rank),
             std::vector<uint8_t>(world.begin(), world.end()));
  return store;
}

// Every rank compares its WORLD_SIZE with rank 0's.
absl::Status check_world_size(c10d::Store& store, const DistEnv& env) {
  const std::vector<uint8_t> value = store.get("terse/world_size/0");
  const std::string rank0(value.begin(), value.end());
  if (rank0 != std::to_string(env.world_size)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rank ", env.rank, " has WORLD_SIZE=", env.world_size, " but rank 0 has WORLD_SIZE=", rank0,
        ": start every rank with the same world size"));
  }
  return absl::OkStatus();
}

std::unique_ptr<ProcessGroup::Backend> make_backend(const DistEnv& env,
                                                    const ProcessGroupOptions& options,
                                                    c10::intrusive_ptr<c10d::Store> group_store,
                                                    c10::intrusive_ptr<c10d::Store> root_store,
                                                    std::vector<int64_t> ranks) {
#ifdef TERSE_HAS_NCCL
  if (options.cuda) {
    auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
    nccl_options->timeout = options.collective_timeout;
    auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(group_store, env.rank, env.world_size,
                                                             nccl_options);
    return std::make_unique<C10dBackend<c10d::ProcessGroupNCCL>>(root_store, group,
                                                                 std::move(ranks));
  }
#endif
  auto gloo_options = c10d::ProcessGroupGloo::Options::create(options.collective_timeout);
  gloo_options->devices.push_back(gloo_device(env));
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(group_store, env.rank, env.world_size,
                                                           gloo_options);
  return std::make_unique<C10dBackend<c10d::ProcessGroupGloo>>(root_store, group, std::move(ranks));
}

std::string rank_label(const DistEnv& env) {
  return absl::StrCat("rank ", env.rank, "/", env.world_size);
}

}  // namespace

absl::StatusOr<DistEnv> dist_env_from_environment() {
  DistEnv env;
  TERSE_RETURN_IF_ERROR(read_int("WORLD_SIZE", 1, &env.world_size));
  TERSE_RETURN_IF_ERROR(read_int("RANK", 0, &env.rank));
  TERSE_RETURN_IF_ERROR(read_int("LOCAL_RANK", 0, &env.local_rank));
  TERSE_RETURN_IF_ERROR(read_int("MASTER_PORT", 1, &env.master_port));
  if (const char* addr = std::getenv("MASTER_ADDR")) env.master_addr = addr;
  if (env.rank >= env.world_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("RANK=", env.rank, " must be below WORLD_SIZE=", env.world_size));
  }
  if (env.master_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("MASTER_PORT=", env.master_port, " is not a TCP port (1-65535)"));
  }
  return env;
}

ProcessGroup::ProcessGroup(DistEnv env, ProcessGroupOptions options,
                           std::unique_ptr<Backend> backend, std::string where)
    : env_(std::move(env)),
      options_(options),
      backend_(std::move(backend)),
      where_(std::move(where)) {}

ProcessGroup::~ProcessGroup() = default;

absl::StatusOr<std::unique_ptr<ProcessGroup>> ProcessGroup::connect(
    const DistEnv& env, const ProcessGroupOptions& options) {
#ifndef TERSE_HAS_NCCL
  if (options.cuda && env.world_size > 1) {
    return absl::FailedPreconditionError(
        "NCCL process groups need a LibTorch built with CUDA; this build has Gloo (CPU) only");
  }
#endif
  std::unique_ptr<Backend> backend;
  if (env.world_size > 1) {
    const std::string where = absl::StrCat("rank ", env.rank, "/", env.world_size, " meeting at ",
                                           env.master_addr, ":", env.master_port);
    try {
      auto store = open_store(env, options);
      TERSE_RETURN_IF_ERROR(check_world_size(*store, env));
      std::vector<int64_t> ranks(static_cast<size_t>(env.world_size));
      std::iota(ranks.begin(), ranks.end(), 0);
      backend = make_backend(env, options, store, store, std::move(ranks));
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat(
          where, ": rendezvous failed: ", first_line(e.what()),
          " (is rank 0 running, MASTER_ADDR/MASTER_PORT the same on every rank, and the port "
          "free?)"));
    }
  }
  return std::unique_ptr<ProcessGroup>(
      new ProcessGroup(env, options, std::move(backend), rank_label(env)));
}

absl::StatusOr<std::unique_ptr<ProcessGroup>> ProcessGroup::subgroup(
    const std::vector<int64_t>& ranks, absl::string_view name) {
  const auto me = std::find(ranks.begin(), ranks.end(), env_.rank);
  if (me == ranks.end() || !std::is_sorted(ranks.begin(), ranks.end()) ||
      ranks.back() >= env_.world_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        where_, ": the ranks of group `", name, "` must ascend, lie below ", env_.world_size,
        " and include this rank: [", absl::StrJoin(ranks, ", "), "]"));
  }
  DistEnv env = env_;
  env.rank = me - ranks.begin();
  env.world_size = static_cast<int64_t>(ranks.size());
  const std::string where = absl::StrCat(where_, " (group `", name, "`)");
  std::unique_ptr<Backend> backend;
  if (env.world_size > 1) {
    try {
      backend = backend_->subgroup(env, options_, ranks, std::string(name));
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat(where, ": forming the group failed: ", first_line(e.what())));
    }
  }
  return std::unique_ptr<ProcessGroup>(new ProcessGroup(env, options_, std::move(backend), where));
}

absl::Status ProcessGroup::guarded(const char* name, const std::function<void()>& op) {
  if (backend_ == nullptr) return absl::OkStatus();
  try {
    op();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    const std::string dead = backend_->dead_local_ranks();
    return absl::UnavailableError(
        absl::StrCat(where_, ": ", name, " failed",
                     dead.empty() ? "" : absl::StrCat(" because rank ", dead, " is gone"), ": ",
                     first_line(e.what())));
  }
}

at::Tensor ProcessGroup::on_backend_device(const at::Tensor& tensor) const {
  // NCCL moves GPU tensors only: CPU figures (counts, metrics, trajectories) go through the
  // rank's GPU.
  if (options_.cuda && !tensor.is_cuda()) {
    return tensor.to(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(env_.local_rank)));
  }
  return tensor;
}

namespace {

// Calls `op` on consecutive runs of `tensors` of one dtype and at most `bucket_bytes` (a larger
// tensor travels alone), in order.
absl::Status for_each_bucket(
    const std::vector<at::Tensor>& tensors, int64_t bucket_bytes,
    const std::function<absl::Status(const std::vector<at::Tensor>&)>& op) {
  std::vector<at::Tensor> bucket;
  int64_t bytes = 0;
  for (const at::Tensor& tensor : tensors) {
    const int64_t size = tensor.numel() * tensor.element_size();
    if (!bucket.empty() &&
        (bytes + size > bucket_bytes || tensor.scalar_type() != bucket[0].scalar_type())) {
      TERSE_RETURN_IF_ERROR(op(bucket));
      bucket.clear();
      bytes = 0;
    }
    bucket.push_back(tensor);
    bytes += size;
  }
  if (!bucket.empty()) TERSE_RETURN_IF_ERROR(op(bucket));
  return absl::OkStatus();
}

// The bucket's tensors, flattened into one [sum of numel] tensor.
at::Tensor flatten(const std::vector<at::Tensor>& bucket) {
  std::vector<at::Tensor> views;
  for (const at::Tensor& tensor : bucket) views.push_back(tensor.reshape({-1}));
  return at::cat(views);
}

// Copies `flat` back into the bucket's tensors.
void unflatten(const at::Tensor& flat, const std::vector<at::Tensor>& bucket) {
  int64_t offset = 0;
  for (const at::Tensor& tensor : bucket) {
    tensor.copy_(flat.narrow(0, offset, tensor.numel()).view_as(tensor));
    offset += tensor.numel();
  }
}

}  // namespace

absl::Status ProcessGroup::all_reduce_sum(const std::vector<at::Tensor>& tensors) {
  if (backend_ == nullptr) return absl::OkStatus();
  return for_each_bucket(tensors, options_.bucket_bytes,
                         [this](const std::vector<at::Tensor>& b) { return all_reduce_bucket(b); });
}

absl::Status ProcessGroup::all_reduce_bucket(const std::vector<at::Tensor>& bucket) {
  std::vector<at::Tensor> flat = {on_backend_device(flatten(bucket))};
  TERSE_RETURN_IF_ERROR(guarded("all-reduce", [&] { backend_->all_reduce(flat); }));
  unflatten(flat[0], bucket);
  return absl::OkStatus();
}

absl::Status ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors, int64_t root) {
  if (backend_ == nullptr) return absl::OkStatus();
  return for_each_bucket(tensors, options_.bucket_bytes, [&](const std::vector<at::Tensor>& b) {
    return broadcast_bucket(b, root);
  });
}

absl::Status ProcessGroup::broadcast_bucket(const std::vector<at::Tensor>& bucket, int64_t root) {
  std::vector<at::Tensor> flat = {on_backend_device(flatten(bucket))};
  TERSE_RETURN_IF_ERROR(guarded("broadcast", [&] { backend_->broadcast(flat, root); }));
  if (env_.rank != root) unflatten(flat[0], bucket);
  return absl::OkStatus();
}

absl::Status ProcessGroup::barrier() {
  return guarded("barrier", [&] { backend_->barrier(); });
}

absl::Status ProcessGroup::send(const at::Tensor& tensor, int64_t to_rank, int64_t tag) {
  TERSE_ASSIGN_OR_RETURN(PendingSend pending, send_async(tensor, to_rank, tag));
  return pending.wait();
}

absl::StatusOr<PendingSend> ProcessGroup::send_async(const at::Tensor& tensor, int64_t to_rank,
                                                     int64_t tag) {
  if (backend_ == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(where_, ": send in a group of one rank"));
  }
  std::vector<at::Tensor> list = {on_backend_device(tensor.contiguous())};
  std::function<void()> wait;
  TERSE_RETURN_IF_ERROR(guarded("send", [&] { wait = backend_->send_async(list, to_rank, tag); }));
  return PendingSend(list, [this, wait] { return guarded("send", wait); });
}

absl::Status ProcessGroup::recv(const at::Tensor& tensor, int64_t from_rank, int64_t tag) {
  if (backend_ == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(where_, ": recv in a group of one rank"));
  }
  std::vector<at::Tensor> list = {on_backend_device(tensor)};
  TERSE_RETURN_IF_ERROR(guarded("recv", [&] { backend_->recv(list, from_rank, tag); }));
  if (!list[0].is_same(tensor)) tensor.copy_(list[0]);
  return absl::OkStatus();
}

}  // namespace terse
