// The pinned-copy peak of this machine, measured once when the engine starts: large copies
// between pinned host memory and the device on the engine's copy stream, best of a few. The
// engine's own transfers (chunk by chunk, overlapped with work) are reported against it.
#pragma once

#include <cstddef>

#include "core/backend.hpp"
#include "core/device_arena.hpp"

namespace splat {

struct CopyBandwidth {
  double h2d_bytes_per_second = 0;
  double d2h_bytes_per_second = 0;
  std::size_t probe_bytes = 0;  // size of each timed copy
};

// Copies up to `max_bytes` (fewer when the arena has less free) each way `repeats` times and
// keeps the fastest; the arena block and the pinned buffer are released before returning.
CopyBandwidth measure_copy_bandwidth(Backend& backend, DeviceArena& arena, Stream& copy,
                                     std::size_t max_bytes = std::size_t{64} << 20,
                                     int repeats = 3);

}  // namespace splat
