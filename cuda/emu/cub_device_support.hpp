// What the emulated CUB device-wide algorithms (cuda/emu/include/cub/device/*.cuh) share: the
// temp-storage protocol, argument checks, and handing the work to a stream. Each algorithm
// runs serially on its stream's worker, in stream order like CUB's kernels, with CUB's
// contracts: the size query, then a call with at least that much device memory; arguments and
// results in device (or pinned) memory.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <type_traits>

namespace splat::emu {

// Defined by the runtime (runtime_memory.cpp, runtime_streams.cpp).
cudaError_t check_device_accessible(const char* call, const char* argument, const void* p,
                                    std::size_t bytes);
cudaError_t submit_device_work(cudaStream_t stream, std::function<void()> work, const char* what);

namespace cub_support {

inline constexpr std::size_t kAlignment = 256;

constexpr std::size_t align_up(std::size_t bytes) {
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

// CUB's decoupled look-back scans keep a 16-byte status per tile of items (plus a warp of
// padding); sized alike so that budgets computed from the query stay realistic.
inline std::size_t tile_state_bytes(std::size_t items) {
  constexpr std::size_t kTileItems = 2048;
  return align_up(((items + kTileItems - 1) / kTileItems + 32) * 16);
}

template <class NumItemsT>
bool negative(NumItemsT n) {
  if constexpr (std::is_signed_v<NumItemsT>) return n < 0;
  return false;
}

template <class NumItemsT>
std::size_t item_count(NumItemsT n) {
  return negative(n) ? 0 : static_cast<std::size_t>(n);
}

inline cudaError_t misuse(const char* call, const char* why) {
  std::fprintf(stderr, "splat emu: %s: %s\n", call, why);
  return cudaErrorInvalidValue;  // returned only, as CUB's own argument checks do
}

// The second phase of the protocol: at least `required` bytes of device memory.
inline cudaError_t check_temp_storage(const char* call, void* d_temp_storage,
                                      std::size_t temp_storage_bytes, std::size_t required) {
  if (temp_storage_bytes < required) {
    char why[120];
    std::snprintf(why, sizeof why, "%zu bytes of temporary storage given, %zu required",
                  temp_storage_bytes, required);
    return misuse(call, why);
  }
  return check_device_accessible(call, "d_temp_storage", d_temp_storage, required);
}

// Pointer arguments are checked for `count` elements; other iterators (counting, transform)
// cannot be.
template <class Iterator>
cudaError_t check_range(const char* call, const char* argument, Iterator it, std::size_t count) {
  if constexpr (std::is_pointer_v<Iterator>) {
    return check_device_accessible(call, argument, it, count * sizeof(*it));
  } else {
    return cudaSuccess;
  }
}

// What a device-wide call over `num_items` inputs and outputs does first: the size query (null
// temp storage: the size is written and the call ends with cudaSuccess), then CUB's checks of
// the item count, the temp storage and both ranges. Returns the call's result when it ends
// here, nothing when the work goes ahead.
template <class InputIteratorT, class OutputIteratorT, class NumItemsT>
std::optional<cudaError_t> start_call(const char* call, void* d_temp_storage,
                                      std::size_t& temp_storage_bytes, InputIteratorT d_in,
                                      OutputIteratorT d_out, NumItemsT num_items) {
  const std::size_t n = item_count(num_items);
  const std::size_t required = tile_state_bytes(n);
  if (d_temp_storage == nullptr) {
    temp_storage_bytes = required;
    return cudaSuccess;
  }
  if (negative(num_items)) return misuse(call, "num_items is negative");
  if (const cudaError_t e = check_temp_storage(call, d_temp_storage, temp_storage_bytes, required))
    return e;
  if (const cudaError_t e = check_range(call, "d_in", d_in, n)) return e;
  if (const cudaError_t e = check_range(call, "d_out", d_out, n)) return e;
  return std::nullopt;
}

// CUB's kernels overwrite their temporary storage; so does the emulation, first thing, so that
// storage shared with live data shows up as corrupted data rather than passing by luck.
inline void scribble(void* temp, std::size_t bytes) {
  std::memset(temp, 0xFF, bytes);
}

}  // namespace cub_support
}  // namespace splat::emu
