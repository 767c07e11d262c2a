#include "core/machine_info.h"

#include <link.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <torch/cuda.h>
#include <torch/version.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/elapsed.h"

namespace terse {
namespace {

// dl_iterate_phdr callback: keeps the first loaded library whose file name mentions BLAS.
int find_blas(struct dl_phdr_info* info, size_t /*size*/, void* data) {
  const std::string name = info->dlpi_name ? info->dlpi_name : "";
  const std::string file = std::filesystem::path(name).filename().string();
  if (absl::StrContains(file, "blas") || absl::StrContains(file, "mkl_rt") ||
      absl::StrContains(file, "blis")) {
    std::error_code ec;
    const auto resolved = std::filesystem::canonical(name, ec);
    *static_cast<std::string*>(data) = ec ? name : resolved.string();
    return 1;
  }
  return 0;
}

std::string blas_kind(const std::string& path) {
  if (path.empty()) return "built in";
  if (absl::StrContains(path, "openblas")) return "OpenBLAS";
  if (absl::StrContains(path, "blis")) return "BLIS";
  if (absl::StrContains(path, "mkl")) return "MKL";
  if (absl::StrContains(path, "/blas/") || absl::StrContains(path, "libblas.so")) {
    return "reference BLAS";
  }
  return "unknown";
}

struct CpuInfo {
  std::string model;  // model name (family, model)
  bool native_bf16;   // avx512_bf16 or amx_bf16 among the flags
};

// The first processor's entry of /proc/cpuinfo ("unknown" where the file is missing).
CpuInfo read_cpuinfo() {
  std::ifstream in("/proc/cpuinfo");
  std::string model, family, number, flags;
  for (std::string line; std::getline(in, line) && flags.empty();) {
    const std::pair<std::string, std::string> field = absl::StrSplit(line, absl::MaxSplits(':', 1));
    const std::string key(absl::StripAsciiWhitespace(field.first));
    const std::string value(absl::StripAsciiWhitespace(field.second));
    if (key == "model name" && model.empty()) model = value;
    if (key == "cpu family" && family.empty()) family = value;
    if (key == "model" && number.empty()) number = value;
    if (key == "flags") flags = absl::StrCat(" ", value, " ");
  }
  CpuInfo info{model.empty() ? "unknown" : model, false};
  if (!family.empty()) absl::StrAppend(&info.model, " (family ", family, ", model ", number, ")");
  info.native_bf16 =
      absl::StrContains(flags, " avx512_bf16 ") || absl::StrContains(flags, " amx_bf16 ");
  return info;
}

const CpuInfo& cpu_info() {
  static const CpuInfo info = read_cpuinfo();
  return info;
}

}  // namespace

MachineInfo read_machine_info() {
  MachineInfo info;
  info.torch_version = TORCH_VERSION;
#ifdef TERSE_WITH_CUDA
  info.torch_has_cuda = true;
#else
  info.torch_has_cuda = false;
#endif
  info.cuda_devices = static_cast<int64_t>(torch::cuda::device_count());
  dl_iterate_phdr(find_blas, &info.blas_path);
  info.blas_kind = blas_kind(info.blas_path);
  info.threads = at::get_num_threads();
  info.cores = std::thread::hardware_concurrency();
  info.cpu_model = cpu_info().model;
  info.cpu_native_bf16 = cpu_info().native_bf16;
  return info;
}

bool cpu_has_native_bf16() { return cpu_info().native_bf16; }

void set_torch_threads(int64_t threads) { at::set_num_threads(static_cast<int>(threads)); }

double measure_matmul_gflops(MatmulDType dtype, int64_t n, double seconds, c10::Device device) {
  c10::InferenceMode inference;
  const auto scalar = dtype == MatmulDType::kBFloat16 ? at::kBFloat16 : at::kFloat;
  const at::Tensor a = at::randn({n, n}).to(device, scalar);  // [n, n]
  const at::Tensor b = at::randn({n, n}).to(device, scalar);  // [n, n]
  at::Tensor c = at::matmul(a, b);                            // warm-up: allocations, kernel choice
  c.sum().item<float>();                                      // waits for a GPU to finish
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int64_t products = 0;
  double elapsed = 0;
  // Batches of products between clock reads: a GPU runs them asynchronously until the sync.
  const int64_t batch = device.is_cpu() ? 1 : 20;
  do {
    for (int64_t i = 0; i < batch; ++i) c = at::matmul(a, b);
    c.sum().item<float>();
    products += batch;
    elapsed = seconds_since(start);
  } while (elapsed < seconds);
  return 2.0 * n * n * n * products / elapsed / 1e9;
}

}  // namespace terse
