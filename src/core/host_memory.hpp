// Host memory use of this process, as the kernel counts it.
#pragma once

#include <cstddef>

namespace splat {

// Resident set size now and its peak over the process lifetime (VmRSS / VmHWM), in bytes;
// 0 where the platform does not report them.
std::size_t current_host_resident_bytes();
std::size_t peak_host_resident_bytes();

}  // namespace splat
