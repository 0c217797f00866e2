// cub::BlockReduce for emulation, with CUB's contracts made observable: the result is valid in
// thread 0 only (the other threads get NaN for floating types, all-ones bits otherwise), and
// reusing the TempStorage without a __syncthreads after the previous use (which CUB requires:
// thread 0 may still be reading it) is reported as a fault. Sums run in thread order; CUB's
// tree order rounds differently, which the comparisons against the CPU reference allow for.
#pragma once

#include <atomic>
#include <cstring>
#include <source_location>
#include <type_traits>

#include "cuda/emu/device.hpp"

namespace cub {

enum BlockReduceAlgorithm {
  BLOCK_REDUCE_RAKING_COMMUTATIVE_ONLY,
  BLOCK_REDUCE_RAKING,
  BLOCK_REDUCE_WARP_REDUCTIONS,
};

template <typename T, int BLOCK_DIM_X,
          BlockReduceAlgorithm ALGORITHM = BLOCK_REDUCE_WARP_REDUCTIONS, int BLOCK_DIM_Y = 1,
          int BLOCK_DIM_Z = 1>
class BlockReduce {
  static constexpr int kThreads = BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z;
  static constexpr unsigned kInUse = 0x5ca1ab1eu;  // shared memory starts as 0xFF bytes

  struct Storage {
    T values[kThreads];
    // Set by every thread after the reduction's barrier: the barrier epoch at which thread 0
    // reads `values`. The storage may be written again only after a later barrier.
    unsigned state;
    unsigned read_epoch;
  };

 public:
  struct TempStorage : Storage {};

  __device__ explicit BlockReduce(TempStorage& storage) : storage_(storage) {}
  __device__ BlockReduce() : storage_(private_storage()) {}

  __device__ T Sum(T input, std::source_location site = std::source_location::current()) {
    return reduce(input, Plus{}, kThreads, site);
  }
  __device__ T Sum(T input, int num_valid,
                   std::source_location site = std::source_location::current()) {
    return reduce(input, Plus{}, num_valid, site);
  }
  template <int ITEMS>
  __device__ T Sum(T (&inputs)[ITEMS],
                   std::source_location site = std::source_location::current()) {
    T partial = inputs[0];
    for (int i = 1; i < ITEMS; ++i) partial = partial + inputs[i];
    return reduce(partial, Plus{}, kThreads, site);
  }
  template <typename Op>
  __device__ T Reduce(T input, Op op, std::source_location site = std::source_location::current()) {
    return reduce(input, op, kThreads, site);
  }
  template <typename Op>
  __device__ T Reduce(T input, Op op, int num_valid,
                      std::source_location site = std::source_location::current()) {
    return reduce(input, op, num_valid, site);
  }

 private:
  struct Plus {
    T operator()(const T& a, const T& b) const { return a + b; }
  };

  static TempStorage& private_storage() {
    SPLAT_EMU_SHARED(TempStorage, storage);
    return storage;
  }

  template <typename Op>
  T reduce(T input, Op op, int num_valid, const std::source_location& site) {
    using splat::emu::detail::block_barrier_epoch;
    using splat::emu::detail::device_fault;
    const dim3 block = blockDim;
    if (block.x != BLOCK_DIM_X || block.y != BLOCK_DIM_Y || block.z != BLOCK_DIM_Z)
      device_fault("cub::BlockReduce misuse", "cub::BlockReduce",
                   "its template block size differs from the launch's block size", site);
    // Relaxed atomics: all threads write the same value here, which ThreadSanitizer would
    // otherwise report; the values themselves are ordered by the barrier.
    std::atomic_ref<unsigned> state(storage_.state), read_epoch(storage_.read_epoch);
    if (state.load(std::memory_order_relaxed) == kInUse &&
        read_epoch.load(std::memory_order_relaxed) == block_barrier_epoch())
      device_fault("cub::BlockReduce misuse", "cub::BlockReduce",
                   "its TempStorage is reused without a __syncthreads() since its previous use "
                   "(thread 0 may still be reading it)",
                   site);
    const unsigned rank = threadIdx.x + BLOCK_DIM_X * (threadIdx.y + BLOCK_DIM_Y * threadIdx.z);
    storage_.values[rank] = input;
    __syncthreads(site);
    read_epoch.store(block_barrier_epoch(), std::memory_order_relaxed);
    state.store(kInUse, std::memory_order_relaxed);
    if (rank != 0) return undefined();
    T result = storage_.values[0];
    for (int i = 1; i < num_valid && i < kThreads; ++i) result = op(result, storage_.values[i]);
    return result;
  }

  static T undefined() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memset(static_cast<void*>(&value), 0xFF, sizeof(T));  // NaN for float and double
    return value;
  }

  TempStorage& storage_;
};

}  // namespace cub
