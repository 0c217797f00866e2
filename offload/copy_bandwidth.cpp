#include "offload/copy_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/buffer.hpp"

namespace splat {

namespace {

double seconds_of(Stream& stream, void* dst, const void* src, std::size_t bytes) {
  const auto start = std::chrono::steady_clock::now();
  stream.copy_async(dst, src, bytes);
  stream.synchronize();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

CopyBandwidth measure_copy_bandwidth(Backend& backend, DeviceArena& arena, Stream& copy,
                                     std::size_t max_bytes, int repeats) {
  CopyBandwidth result;
  // A quarter of what is free keeps the probe from fragmenting the arena it borrows from.
  const std::size_t free_bytes = arena.budget() - arena.in_use();
  const std::size_t bytes = std::min(max_bytes, free_bytes / 4) / 4096 * 4096;
  if (bytes == 0) return result;
  Buffer device = arena.allocate(bytes, "offload: copy bandwidth probe");
  Buffer pinned = Buffer::allocate(backend, MemorySpace::PinnedHost, bytes);
  std::memset(pinned.data(), 1, bytes);                   // first touch outside the timing
  seconds_of(copy, device.data(), pinned.data(), bytes);  // warm-up
  double h2d = 0, d2h = 0;
  for (int r = 0; r < repeats; ++r) {
    const double up = seconds_of(copy, device.data(), pinned.data(), bytes);
    const double down = seconds_of(copy, pinned.data(), device.data(), bytes);
    h2d = r == 0 ? up : std::min(h2d, up);
    d2h = r == 0 ? down : std::min(d2h, down);
  }
  result.probe_bytes = bytes;
  if (h2d > 0) result.h2d_bytes_per_second = static_cast<double>(bytes) / h2d;
  if (d2h > 0) result.d2h_bytes_per_second = static_cast<double>(bytes) / d2h;
  return result;
}

}  // namespace splat
