// What `terse doctor` and the benchmarks report about the machine: the LibTorch build, the BLAS
// library actually loaded, threads, GPUs, and a matmul throughput probe.
#pragma once

#include <c10/core/Device.h>
#include <cstdint>
#include <string>

namespace terse {

struct MachineInfo {
  std::string torch_version;  // e.g. "1.13.0"
  bool torch_has_cuda;        // LibTorch compiled with CUDA
  int64_t cuda_devices;       // visible GPUs (0 without CUDA)
  std::string blas_path;      // resolved path of the loaded BLAS library, "" if none is separate
  std::string blas_kind;      // "OpenBLAS", "reference BLAS", "BLIS", "MKL", or "built in"
  int64_t threads;            // LibTorch intra-op threads
  int64_t cores;              // hardware threads of the machine
  std::string cpu_model;      // e.g. "AMD EPYC (family 26, model 2)", from /proc/cpuinfo
  bool cpu_native_bf16;       // the CPU multiplies bf16 in hardware (avx512_bf16 or amx_bf16)
};

// Reads the facts above from the running process.
MachineInfo read_machine_info();

// Whether this machine's CPU multiplies bf16 in hardware (read once).
bool cpu_has_native_bf16();

// Sets LibTorch's intra-op thread count (runtime.threads).
void set_torch_threads(int64_t threads);

enum class MatmulDType { kFloat32, kBFloat16 };

// Multiplies two n x n matrices on `device` repeatedly for about `seconds` and returns GFLOP/s
// (2 n^3 flops per product); on the CPU at the current LibTorch thread count.
double measure_matmul_gflops(MatmulDType dtype, int64_t n, double seconds,
                             c10::Device device = c10::Device(c10::kCPU));

}  // namespace terse
