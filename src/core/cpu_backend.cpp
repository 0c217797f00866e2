#include "core/cpu_backend.hpp"

#include <omp.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

#include "core/byte_size.hpp"
#include "core/cpu_stream.hpp"
#include "core/error.hpp"

namespace splat {

namespace {
// Matches the device arena's alignment, so CPU and CUDA runs see the same layouts.
constexpr std::size_t kAlignment = 256;
}  // namespace

std::string CpuBackend::description() const {
  return str_cat("CPU (", omp_get_max_threads(), " OpenMP threads)");
}

void* CpuBackend::allocate(MemorySpace space, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* ptr = std::aligned_alloc(kAlignment, rounded);
  SPLAT_REQUIRE(ptr != nullptr, "out of host memory allocating ", format_bytes(bytes), " of ",
                memory_space_name(space), " memory");
  return ptr;
}

void CpuBackend::deallocate(MemorySpace, void* ptr) noexcept {
  std::free(ptr);
}

std::unique_ptr<Stream> CpuBackend::create_stream() {
  return std::make_unique<CpuStream>();
}

std::unique_ptr<Event> CpuBackend::create_timing_event() {
  return create_event();  // CPU events always keep their completion time
}

std::unique_ptr<Event> CpuBackend::create_event() {
  return std::make_unique<CpuEvent>();
}

DeviceMemoryInfo CpuBackend::device_memory() const {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return {static_cast<std::size_t>(sysconf(_SC_AVPHYS_PAGES)) * page,
          static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) * page};
}

}  // namespace splat
