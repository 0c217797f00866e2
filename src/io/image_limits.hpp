// Limits on decoded images: larger headers are corrupt files, and refusing them keeps a bad
// file from causing a huge allocation.
#pragma once

#include <cstdint>

namespace splat {

constexpr std::uint32_t kMaxImageSide = 65535;
constexpr std::uint64_t kMaxImagePixels = std::uint64_t{1} << 28;  // e.g. 16384 x 16384

}  // namespace splat
