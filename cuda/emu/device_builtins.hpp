// CUDA's function qualifiers and built-in variables for emulation. threadIdx and friends read the
// GPU thread whose fiber is running on this OS thread (set by the block runner before each switch).
#pragma once

#include <atomic>

#include "cuda/emu/device_vector_types.hpp"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
// Plain globals: nothing in the project writes constant memory through cudaMemcpyToSymbol.
#define __constant__

namespace splat::emu {

// What a kernel body may ask about its own position in the launch.
struct ThreadBuiltins {
  uint3 thread_idx;
  uint3 block_idx;
  dim3 block_dim;
  dim3 grid_dim;
};

namespace detail {
// The running GPU thread. Atomic only so that ThreadSanitizer, which sees each fiber as a thread,
// does not report the scheduler's writes between switches; relaxed loads are plain moves.
extern constinit thread_local std::atomic<const ThreadBuiltins*> current_builtins;
}  // namespace detail

inline const ThreadBuiltins& current_thread() noexcept {
  return *detail::current_builtins.load(std::memory_order_relaxed);
}

}  // namespace splat::emu

#define threadIdx (::splat::emu::current_thread().thread_idx)
#define blockIdx (::splat::emu::current_thread().block_idx)
#define blockDim (::splat::emu::current_thread().block_dim)
#define gridDim (::splat::emu::current_thread().grid_dim)

// A constant rather than a macro: cudaDeviceProp has a member of the same name.
inline constexpr int warpSize = 32;
