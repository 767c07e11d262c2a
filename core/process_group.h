// A thin layer over LibTorch's c10d process groups: Gloo on CPU, NCCL where LibTorch has CUDA.
// Ranks meet through a c10d::TCPStore at MASTER_ADDR:MASTER_PORT, from the variables torchrun,
// SLURM wrappers and `terse launch` set, so terse runs under any of them. Every collective has
// a timeout, and a failure (a dead rank, a timeout) becomes an error that names the rank and the
// operation instead of a hang.
#pragma once

#include <ATen/core/Tensor.h>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace terse {

// Where this process sits in the job, as torchrun describes it.
struct DistEnv {
  int64_t rank = 0;                       // RANK: global rank
  int64_t world_size = 1;                 // WORLD_SIZE: number of ranks
  int64_t local_rank = 0;                 // LOCAL_RANK: rank on this machine (picks the GPU)
  std::string master_addr = "127.0.0.1";  // MASTER_ADDR: host of rank 0's store
  int64_t master_port = 29500;            // MASTER_PORT: port of rank 0's store
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; missing ones keep the
// single-process defaults. A malformed or inconsistent value is an InvalidArgument error that
// names the variable.
absl::StatusOr<DistEnv> dist_env_from_environment();

struct ProcessGroupOptions {
  bool cuda = false;  // NCCL on the GPU of LOCAL_RANK (needs a CUDA LibTorch), else Gloo on CPU
  std::chrono::milliseconds rendezvous_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds collective_timeout{std::chrono::seconds(300)};
  int64_t bucket_bytes = 25 << 20;  // all-reduce packs tensors into flat buckets of this size
};

// A send that is on its way: the tensors stay alive until wait() returns.
class PendingSend {
 public:
  PendingSend(std::vector<at::Tensor> tensors, std::function<absl::Status()> wait)
      : tensors_(std::move(tensors)), wait_(std::move(wait)) {}
  // Returns when the receiver has the data (or the transfer failed).
  absl::Status wait() { return wait_ ? wait_() : absl::OkStatus(); }

 private:
  std::vector<at::Tensor> tensors_;
  std::function<absl::Status()> wait_;
};

class ProcessGroup {
 public:
  // Rendezvous with the other ranks and builds the group. With world_size 1 no network is used.
  // Errors: the store cannot be reached or served (port in use, wrong address) within the
  // timeout, or the ranks disagree on WORLD_SIZE.
  static absl::StatusOr<std::unique_ptr<ProcessGroup>> connect(const DistEnv& env,
                                                               const ProcessGroupOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int64_t rank() const { return env_.rank; }
  int64_t world_size() const { return env_.world_size; }
  bool is_main() const { return env_.rank == 0; }

  // Sums each tensor over all ranks, in place (tensors packed into flat buckets first).
  absl::Status all_reduce_sum(const std::vector<at::Tensor>& tensors);
  // Copies `root`'s tensors into every rank's tensors of the same shapes, in place.
  absl::Status broadcast(const std::vector<at::Tensor>& tensors, int64_t root);
  // Returns when every rank has called it.
  absl::Status barrier();
  // Point-to-point transfer of one tensor; `tag` matches a send with its recv.
  absl::Status send(const at::Tensor& tensor, int64_t to_rank, int64_t tag);
  absl::Status recv(const at::Tensor& tensor, int64_t from_rank, int64_t tag);
  // Starts sending `tensor` and returns at once; the caller waits on the result before it
  // relies on the receiver having it.
  absl::StatusOr<PendingSend> send_async(const at::Tensor& tensor, int64_t to_rank, int64_t tag);

  // A group of the given ranks of this one (ascending, this rank among them), ranked by their
  // position in `ranks`. Only its members call it, each with the same `ranks` and `name`; a
  // name is used once. Its collectives involve its members alone.
  absl::StatusOr<std::unique_ptr<ProcessGroup>> subgroup(const std::vector<int64_t>& ranks,
                                                         absl::string_view name);

  class Backend;  // the c10d group behind it (Gloo or NCCL)

 private:
  ProcessGroup(DistEnv env, ProcessGroupOptions options, std::unique_ptr<Backend> backend,
               std::string where);
  absl::Status all_reduce_bucket(const std::vector<at::Tensor>& bucket);
  absl::Status broadcast_bucket(const std::vector<at::Tensor>& bucket, int64_t root);
  // Runs `op` (one c10d call), turning an exception into an error that names the dead ranks.
  absl::Status guarded(const char* name, const std::function<void()>& op);
  // `tensor` where this group's backend can move it: on the rank's GPU for NCCL.
  at::Tensor on_backend_device(const at::Tensor& tensor) const;

  DistEnv env_;
  ProcessGroupOptions options_;
  std::unique_ptr<Backend> backend_;  // null when world_size is 1
  std::string where_;                 // "rank R/W", and the group's name for a subgroup
};

}  // namespace terse
