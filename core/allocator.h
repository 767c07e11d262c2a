// The C allocator's settings for training. glibc's malloc serves large blocks with mmap and hands
// freed memory back to the kernel, so a training step that allocates and frees the same large
// tensors every step pays a page fault (and the kernel zeroing a page) for every 4 KiB it touches:
// on the 2-core machine SFT spent up to two thirds of its CPU time in the kernel. terse keeps freed
// memory in the process instead; the memory a run needs stays mapped for its life.
#pragma once

#include <cstdint>
#include <string>

namespace terse {

// Set TERSE_ALLOCATOR=system to leave the allocator as the C library configures it.
inline constexpr const char* kAllocatorEnv = "TERSE_ALLOCATOR";

// Tells glibc's malloc to serve blocks up to 2 GiB from its heap and never trim it, unless
// TERSE_ALLOCATOR=system. Returns a line for `terse doctor` saying which settings are in force.
std::string retain_freed_memory();

// Page faults per MiB touched when a block of `block_bytes` is allocated, written and freed
// `repeats` times after a first, uncounted time: about 256 when every allocation gets fresh
// pages from the kernel (the trap: glibc maps every block above 32 MiB afresh by default), near
// 0 when freed memory is reused.
double allocation_faults_per_mib(int64_t block_bytes = int64_t{64} << 20, int repeats = 8);

}  // namespace terse
