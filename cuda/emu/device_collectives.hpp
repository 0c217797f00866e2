// CUDA's block barriers and warp collectives for emulation. Each call suspends the calling GPU
// thread's fiber until the collective resolves: a barrier when every thread of the block waits at
// the same call site, a warp collective when every lane of its mask waits at the same site with
// the same mask. The call site (std::source_location of the caller) is how "the same barrier" is
// told apart; anything else is reported as a fault naming kernel, block, thread and line.
// ThreadSanitizer sees the barriers and __syncwarp order memory among their participants, and
// shuffles and votes exchange values without ordering memory, as CUDA's memory model has it.
#pragma once

#include <cstdint>
#include <cstring>
#include <source_location>
#include <string>
#include <type_traits>

#include "cuda/emu/device_builtins.hpp"

namespace splat::emu::detail {

enum class Collective : unsigned char {
  syncthreads,
  syncthreads_count,
  syncthreads_and,
  syncthreads_or,
  syncwarp,
  shfl,
  shfl_up,
  shfl_down,
  shfl_xor,
  any,
  all,
  ballot,
};

const char* collective_name(Collective op);

// Returns how many threads of the block passed a nonzero predicate.
unsigned block_barrier(Collective op, int predicate, const std::source_location& site);

// `value`: the caller's operand as bits (shuffles) or its predicate (votes); `arg`: the source
// lane, delta or lane mask of a shuffle. Returns the caller's result as bits.
std::uint64_t warp_collective(Collective op, unsigned mask, std::uint64_t value, int arg, int width,
                              const std::source_location& site);

// How many barriers the running block has passed: lets block-level CUB tell whether a
// __syncthreads lies between two uses of its temporary storage.
unsigned block_barrier_epoch();

// Stops the running block with a fault naming the calling thread, `kind` and `site`: the grid
// runner throws it as a KernelFault once the block is cleaned up.
[[noreturn]] void device_fault(const char* kind, const char* what, const std::string& details,
                               const std::source_location& site);

template <typename T>
std::uint64_t to_bits(const T& value) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8,
                "warp shuffles move values of at most 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  return bits;
}

template <typename T>
T from_bits(std::uint64_t bits) {
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

}  // namespace splat::emu::detail

inline void __syncthreads(std::source_location site = std::source_location::current()) {
  ::splat::emu::detail::block_barrier(::splat::emu::detail::Collective::syncthreads, 0, site);
}
inline int __syncthreads_count(int predicate,
                               std::source_location site = std::source_location::current()) {
  return static_cast<int>(::splat::emu::detail::block_barrier(
      ::splat::emu::detail::Collective::syncthreads_count, predicate, site));
}
// The and/or forms compare the count with the block's size.
inline int __syncthreads_and(int predicate,
                             std::source_location site = std::source_location::current()) {
  const dim3 b = ::splat::emu::current_thread().block_dim;
  return ::splat::emu::detail::block_barrier(::splat::emu::detail::Collective::syncthreads_and,
                                             predicate, site) == b.x * b.y * b.z;
}
inline int __syncthreads_or(int predicate,
                            std::source_location site = std::source_location::current()) {
  return ::splat::emu::detail::block_barrier(::splat::emu::detail::Collective::syncthreads_or,
                                             predicate, site) != 0;
}

inline void __syncwarp(unsigned mask = 0xffffffffu,
                       std::source_location site = std::source_location::current()) {
  ::splat::emu::detail::warp_collective(::splat::emu::detail::Collective::syncwarp, mask, 0, 0, 32,
                                        site);
}

template <typename T>
T __shfl_sync(unsigned mask, T var, int src_lane, int width = 32,
              std::source_location site = std::source_location::current()) {
  using namespace ::splat::emu::detail;
  return from_bits<T>(warp_collective(Collective::shfl, mask, to_bits(var), src_lane, width, site));
}
template <typename T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = 32,
                 std::source_location site = std::source_location::current()) {
  using namespace ::splat::emu::detail;
  return from_bits<T>(warp_collective(Collective::shfl_up, mask, to_bits(var),
                                      static_cast<int>(delta), width, site));
}
template <typename T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = 32,
                   std::source_location site = std::source_location::current()) {
  using namespace ::splat::emu::detail;
  return from_bits<T>(warp_collective(Collective::shfl_down, mask, to_bits(var),
                                      static_cast<int>(delta), width, site));
}
template <typename T>
T __shfl_xor_sync(unsigned mask, T var, int lane_mask, int width = 32,
                  std::source_location site = std::source_location::current()) {
  using namespace ::splat::emu::detail;
  return from_bits<T>(
      warp_collective(Collective::shfl_xor, mask, to_bits(var), lane_mask, width, site));
}

inline int __any_sync(unsigned mask, int predicate,
                      std::source_location site = std::source_location::current()) {
  return static_cast<int>(::splat::emu::detail::warp_collective(
      ::splat::emu::detail::Collective::any, mask, predicate != 0, 0, 32, site));
}
inline int __all_sync(unsigned mask, int predicate,
                      std::source_location site = std::source_location::current()) {
  return static_cast<int>(::splat::emu::detail::warp_collective(
      ::splat::emu::detail::Collective::all, mask, predicate != 0, 0, 32, site));
}
inline unsigned __ballot_sync(unsigned mask, int predicate,
                              std::source_location site = std::source_location::current()) {
  return static_cast<unsigned>(::splat::emu::detail::warp_collective(
      ::splat::emu::detail::Collective::ballot, mask, predicate != 0, 0, 32, site));
}
