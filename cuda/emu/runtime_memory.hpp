// Memory of the emulated runtime: what an address range is. Internal to cuda/emu.
#pragma once

#include <cstddef>
#include <string>

namespace splat::emu {

enum class MemoryKind {
  Device,        // inside one cudaMalloc block
  PinnedHost,    // inside one cudaHostAlloc / cudaMallocHost block
  PageableHost,  // other mapped host memory
  Invalid,       // the null page, unmapped memory, or a range running past its block's end
};

// What [p, p + bytes) is (bytes >= 1).
MemoryKind classify(const void* p, std::size_t bytes);

const char* kind_name(MemoryKind kind);

// "0x10 (64 bytes, not mapped host memory)": for error messages.
std::string describe_range(const void* p, std::size_t bytes);

}  // namespace splat::emu
