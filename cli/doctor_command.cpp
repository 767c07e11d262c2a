// `terse doctor`: what a bug report needs, and the setup mistakes this machine has taught us.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "core/allocator.h"
#include "core/machine_info.h"

namespace terse {
namespace {

// fp32 matmul below this (GFLOP/s per thread, n = 1024) means a slow BLAS: OpenBLAS reaches
// 125-225 on one core of the development machine, the reference BLAS about 7.
constexpr double kSlowFp32GflopsPerThread = 30.0;
constexpr int64_t kMatmulSize = 1024;
// Page faults per MiB of a freed-and-reallocated block: 256 means every 4 KiB page comes fresh
// from the kernel each time (the allocator trap, core/allocator.h); kept memory gives about 0.
constexpr double kTrapFaultsPerMib = 64.0;

class DoctorCommand : public Command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--threads", threads_, "LibTorch intra-op threads for the matmul probe.")
        ->check(CLI::Range(1, 1024));
    app.add_option("--seconds", seconds_, "Seconds spent on each matmul measurement.")
        ->check(CLI::Range(0.01, 60.0));
    app.add_flag("--strict", strict_, "Exit with code 2 when any check warns.");
  }

  absl::Status run() override {
    set_torch_threads(threads_);
    const MachineInfo info = read_machine_info();
    std::vector<std::string> warnings;
    print_build(info);
    check_blas(info, &warnings);
    check_allocator(&warnings);
    check_matmul(info, &warnings);
    for (const std::string& warning : warnings) std::cout << "WARNING: " << warning << "\n";
    if (warnings.empty()) std::cout << "All checks passed.\n";
    if (strict_ && !warnings.empty()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("doctor found %d problem(s); see the warnings above", warnings.size()));
    }
    return absl::OkStatus();
  }

 private:
  void print_build(const MachineInfo& info) const {
    std::cout << "terse " << TERSE_VERSION << "\n";
    std::cout << "LibTorch:  " << info.torch_version
              << (info.torch_has_cuda ? " (built with CUDA)" : " (CPU only)") << "\n";
    std::cout << "CUDA:      "
              << (info.torch_has_cuda
                      ? absl::StrFormat("%d GPU(s) visible; NCCL process groups", info.cuda_devices)
                      : "not compiled in; Gloo process groups on CPU")
              << "\n";
    std::cout << "CPU:       " << info.cpu_model
              << (info.cpu_native_bf16 ? ", native bf16" : ", no native bf16") << "\n";
    std::cout << "BLAS:      " << info.blas_kind
              << (info.blas_path.empty() ? "" : " (" + info.blas_path + ")") << "\n";
    std::cout << "threads:   " << info.threads << " intra-op (runtime.threads) of " << info.cores
              << " hardware threads\n";
    for (const char* name : {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE"}) {
      if (const char* value = std::getenv(name))
        std::cout << "env:       " << name << "=" << value << "\n";
    }
  }

  void check_blas(const MachineInfo& info, std::vector<std::string>* warnings) const {
    if (info.blas_kind == "reference BLAS") {
      warnings->push_back(
          "LibTorch is using the reference BLAS, which is 20-30x slower than OpenBLAS for fp32 "
          "matmul. Install libopenblas0-openmp (scripts/setup.sh does) or select it with "
          "`update-alternatives --config libblas.so.3-x86_64-linux-gnu`.");
    }
  }

  void check_allocator(std::vector<std::string>* warnings) const {
    const std::string settings = retain_freed_memory();
    const double faults = allocation_faults_per_mib();
    std::cout << absl::StrFormat("allocator: %s; %.1f page faults per MiB reallocated\n", settings,
                                 faults);
    if (faults > kTrapFaultsPerMib) {
      warnings->push_back(absl::StrFormat(
          "memory freed by one training step comes back from the kernel page by page (%.0f page "
          "faults per MiB reallocated), so training steps spend much of their time in the "
          "kernel. Unset %s: terse then keeps freed memory for reuse.",
          faults, kAllocatorEnv));
    }
  }

  void check_matmul(const MachineInfo& info, std::vector<std::string>* warnings) const {
    const double fp32 = measure_matmul_gflops(MatmulDType::kFloat32, kMatmulSize, seconds_);
    const double bf16 = measure_matmul_gflops(MatmulDType::kBFloat16, kMatmulSize, seconds_);
    std::cout << absl::StrFormat(
        "matmul:    fp32 %.1f GFLOP/s, bf16 %.1f GFLOP/s (%dx%d, %d thread(s))\n", fp32, bf16,
        kMatmulSize, kMatmulSize, info.threads);
    if (fp32 < kSlowFp32GflopsPerThread * static_cast<double>(info.threads)) {
      warnings->push_back(absl::StrFormat(
          "fp32 matmul runs at %.1f GFLOP/s, below the %.0f GFLOP/s per thread this CPU class "
          "reaches with OpenBLAS: check the BLAS line above and the machine's load.",
          fp32, kSlowFp32GflopsPerThread));
    }
  }

  int64_t threads_ = 1;
  double seconds_ = 0.5;
  bool strict_ = false;
};

}  // namespace

std::unique_ptr<Command> make_doctor_command() { return std::make_unique<DoctorCommand>(); }

}  // namespace terse
