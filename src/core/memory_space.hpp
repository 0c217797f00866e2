// Where a buffer's bytes live.
#pragma once

#include <string_view>

namespace splat {

enum class MemorySpace {
  Device,        // GPU memory (the CPU backend emulates it with host memory)
  PinnedHost,    // page-locked host memory: the source and target of asynchronous copies
  PageableHost,  // ordinary host memory
};

constexpr std::string_view memory_space_name(MemorySpace space) {
  switch (space) {
    case MemorySpace::Device:
      return "device";
    case MemorySpace::PinnedHost:
      return "pinned host";
    case MemorySpace::PageableHost:
      return "pageable host";
  }
  return "unknown";
}

}  // namespace splat
