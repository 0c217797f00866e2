// Memory of the emulated runtime: allocation, copies, fills and the pointer checks behind them.
//
// Device and pinned blocks are exact-size posix_memalign blocks (256-byte aligned like
// cudaMalloc, page-aligned like pinned memory), so AddressSanitizer flags a write one past the
// end, and are filled with 0xFF bytes (device blocks up to 64 MiB), NaN in every float, so a
// read before the first write shows. Every block is registered, which is how cudaMemcpyDefault
// infers a direction and how a bad pointer becomes cudaErrorInvalidValue instead of a crash inside
// a worker thread.
#include "cuda/emu/runtime_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cuda/emu/cub_device_support.hpp"
#include "cuda/emu/emu_options.hpp"
#include "cuda/emu/happens_before.hpp"
#include "cuda/emu/runtime_device.hpp"
#include "cuda/emu/runtime_errors.hpp"
#include "cuda/emu/runtime_streams.hpp"

namespace splat::emu {

namespace {

constexpr std::size_t kDeviceAlignment = 256;  // what cudaMalloc guarantees
constexpr std::size_t kLargestPoisoned = std::size_t{64} << 20;
constexpr std::size_t kPinnedAlignment = 4096;  // pinned memory is whole pages
// Linux maps nothing below mmap_min_addr (64 KiB by default): a pointer there is a small
// integer or a null pointer plus an offset, never memory.
constexpr std::uintptr_t kNullRegion = 64 << 10;

struct Block {
  std::size_t bytes;
  MemoryKind kind;
};

struct Heap {
  std::mutex mutex;
  std::map<std::uintptr_t, Block> blocks;  // by base address
  std::size_t device_bytes = 0;
};

Heap& heap() {
  static auto* h = new Heap;  // leaked: blocks may be freed during static destruction
  return *h;
}

// Where [p, p + bytes) lies; `block` is set when p is inside a registered block.
struct Location {
  MemoryKind kind = MemoryKind::Invalid;
  bool in_block = false;
  std::uintptr_t base = 0;
  Block block{};
};

// msync reports ENOMEM for a range that includes unmapped pages, and touches nothing.
bool mapped(std::uintptr_t begin, std::size_t bytes) {
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const std::uintptr_t first = begin & ~(page - 1);
  return msync(reinterpret_cast<void*>(first), begin + bytes - first, MS_ASYNC) == 0;
}

Location locate(const void* p, std::size_t bytes) {
  Location at;
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  if (bytes == 0) bytes = 1;
  if (begin + bytes < begin) return at;  // wraps around
  {
    InternalScope scope;
    Heap& h = heap();
    std::lock_guard lock(h.mutex);
    auto it = h.blocks.upper_bound(begin);
    if (it != h.blocks.begin()) {
      --it;
      if (begin < it->first + it->second.bytes) {
        at.in_block = true;
        at.base = it->first;
        at.block = it->second;
        if (begin + bytes <= it->first + it->second.bytes) at.kind = it->second.kind;
        return at;
      }
    }
  }
  if (begin >= kNullRegion && mapped(begin, bytes)) at.kind = MemoryKind::PageableHost;
  return at;
}

bool is_host(MemoryKind kind) {
  return kind == MemoryKind::PinnedHost || kind == MemoryKind::PageableHost;
}

bool direction_matches(cudaMemcpyKind kind, MemoryKind dst, MemoryKind src) {
  switch (kind) {
    case cudaMemcpyHostToHost:
      return is_host(dst) && is_host(src);
    case cudaMemcpyHostToDevice:
      return dst == MemoryKind::Device && is_host(src);
    case cudaMemcpyDeviceToHost:
      return is_host(dst) && src == MemoryKind::Device;
    case cudaMemcpyDeviceToDevice:
      return dst == MemoryKind::Device && src == MemoryKind::Device;
    case cudaMemcpyDefault:
      return true;
  }
  return false;
}

const char* direction_name(cudaMemcpyKind kind) {
  switch (kind) {
    case cudaMemcpyHostToHost:
      return "cudaMemcpyHostToHost";
    case cudaMemcpyHostToDevice:
      return "cudaMemcpyHostToDevice";
    case cudaMemcpyDeviceToHost:
      return "cudaMemcpyDeviceToHost";
    case cudaMemcpyDeviceToDevice:
      return "cudaMemcpyDeviceToDevice";
    case cudaMemcpyDefault:
      return "cudaMemcpyDefault";
  }
  return "an unknown direction";
}

cudaError_t allocate(void** out, std::size_t bytes, MemoryKind kind, const char* call) {
  if (const cudaError_t status = entry_status(); status != cudaSuccess) return status;
  if (out == nullptr) return fail(cudaErrorInvalidValue);
  *out = nullptr;
  if (bytes == 0) return cudaSuccess;  // CUDA hands out a null pointer for 0 bytes
  const std::size_t total = emulated_device_properties().totalGlobalMem;
  void* p = nullptr;
  {
    InternalScope scope;
    Heap& h = heap();
    std::lock_guard lock(h.mutex);
    if (kind == MemoryKind::Device && bytes > total - h.device_bytes) {
      return fail(cudaErrorMemoryAllocation,
                  std::string(call) + ": " + std::to_string(bytes) + " bytes do not fit, " +
                      std::to_string(total - h.device_bytes) + " of the device's are free");
    }
    const std::size_t alignment = kind == MemoryKind::Device ? kDeviceAlignment : kPinnedAlignment;
    if (posix_memalign(&p, alignment, bytes) != 0)
      return fail(cudaErrorMemoryAllocation, std::string(call) + ": the host is out of memory");
    h.blocks.emplace(reinterpret_cast<std::uintptr_t>(p), Block{bytes, kind});
    if (kind == MemoryKind::Device) h.device_bytes += bytes;
  }
  // Outside the scope: the poison is a write like any other. A block larger than
  // kLargestPoisoned is an arena's region: it stays untouched (committed only as used), and
  // the arena poisons each block it hands out instead.
  if (kind != MemoryKind::Device || bytes <= kLargestPoisoned) std::memset(p, 0xFF, bytes);
  *out = p;
  return cudaSuccess;
}

cudaError_t deallocate(void* p, MemoryKind kind, const char* call) {
  if (p == nullptr) return sticky_error();
  if (on_stream_worker()) return entry_status();  // cudaErrorNotPermitted
  // CUDA's frees wait for the device; queued work may still use the block. Freed even after a
  // fault, so that the sanitizers' leak checks stay meaningful.
  synchronize_all_streams();
  bool found = false;
  {
    InternalScope scope;
    Heap& h = heap();
    std::lock_guard lock(h.mutex);
    const auto it = h.blocks.find(reinterpret_cast<std::uintptr_t>(p));
    if (it != h.blocks.end() && it->second.kind == kind) {
      found = true;
      if (kind == MemoryKind::Device) h.device_bytes -= it->second.bytes;
      h.blocks.erase(it);
    }
  }
  if (!found) {
    char why[160];
    std::snprintf(why, sizeof why, "%s: %p is not a live block it allocated (it is %s)", call, p,
                  kind_name(classify(p, 1)));
    return fail(cudaErrorInvalidValue, why);
  }
  std::free(p);
  return sticky_error();
}

cudaError_t copy(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind,
                 cudaStream_t stream, const char* call, bool synchronous) {
  if (const cudaError_t status = entry_status(); status != cudaSuccess) return status;
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault)
    return fail(cudaErrorInvalidMemcpyDirection);
  if (count == 0) return cudaSuccess;
  const MemoryKind to = classify(dst, count);
  const MemoryKind from = classify(src, count);
  if (to == MemoryKind::Invalid)
    return fail(cudaErrorInvalidValue,
                std::string(call) + ": destination " + describe_range(dst, count));
  if (from == MemoryKind::Invalid)
    return fail(cudaErrorInvalidValue,
                std::string(call) + ": source " + describe_range(src, count));
  if (!direction_matches(kind, to, from))
    return fail(cudaErrorInvalidValue, std::string(call) + ": " + direction_name(kind) + " from " +
                                           kind_name(from) + " to " + kind_name(to));
  // As CUDA does with pageable memory: a copy into it is complete when the call returns; a copy
  // out of it is staged at once, so the caller may reuse the source while the copy waits for
  // the stream (waiting for the stream instead could deadlock where a GPU does not).
  const bool blocking = synchronous || to == MemoryKind::PageableHost;
  MarkerRef done;
  std::function<void()> work;
  if (from == MemoryKind::PageableHost && !blocking) {
    auto staged = std::make_shared<std::vector<unsigned char>>(
        static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + count);
    work = [staged = std::move(staged), dst, count] { std::memcpy(dst, staged->data(), count); };
  } else {
    work = [dst, src, count] { std::memcpy(dst, src, count); };
  }
  if (const unsigned delay = options().copy_delay_us; delay > 0 && !blocking)
    work = [delay, copy = std::move(work)] {
      std::this_thread::sleep_for(std::chrono::microseconds(delay));
      copy();
    };
  const cudaError_t status =
      submit(stream, std::move(work), call, nullptr, blocking ? &done : nullptr);
  if (status != cudaSuccess || !blocking) return status;
  wait(done);
  return sticky_error();
}

cudaError_t fill(void* dst, int value, std::size_t count, cudaStream_t stream, const char* call,
                 bool synchronous_for_pinned) {
  if (const cudaError_t status = entry_status(); status != cudaSuccess) return status;
  if (count == 0) return cudaSuccess;
  const MemoryKind to = classify(dst, count);
  if (to != MemoryKind::Device && to != MemoryKind::PinnedHost)
    return fail(cudaErrorInvalidValue, std::string(call) + ": " + describe_range(dst, count) +
                                           "; only device and pinned memory can be filled");
  const bool blocking = synchronous_for_pinned && to == MemoryKind::PinnedHost;
  MarkerRef done;
  const cudaError_t status = submit(
      stream, [dst, value, count] { std::memset(dst, value, count); }, call, nullptr,
      blocking ? &done : nullptr);
  if (status != cudaSuccess || !blocking) return status;
  wait(done);
  return sticky_error();
}

}  // namespace

MemoryKind classify(const void* p, std::size_t bytes) {
  return locate(p, bytes).kind;
}

const char* kind_name(MemoryKind kind) {
  switch (kind) {
    case MemoryKind::Device:
      return "device memory";
    case MemoryKind::PinnedHost:
      return "pinned host memory";
    case MemoryKind::PageableHost:
      return "pageable host memory";
    case MemoryKind::Invalid:
      return "no memory";
  }
  return "?";
}

std::string describe_range(const void* p, std::size_t bytes) {
  const Location at = locate(p, bytes);
  char text[200];
  if (at.kind == MemoryKind::Invalid && at.in_block) {
    const auto end = reinterpret_cast<std::uintptr_t>(p) + bytes;
    std::snprintf(text, sizeof text,
                  "%p (%zu bytes) runs %zu bytes past the end of a %zu-byte "
                  "block of %s at %p",
                  p, bytes, static_cast<std::size_t>(end - at.base - at.block.bytes),
                  at.block.bytes, kind_name(at.block.kind), reinterpret_cast<void*>(at.base));
  } else if (at.kind == MemoryKind::Invalid) {
    std::snprintf(text, sizeof text,
                  "%p (%zu bytes) is neither device, pinned nor mapped host memory", p, bytes);
  } else {
    std::snprintf(text, sizeof text, "%p (%zu bytes) is %s", p, bytes, kind_name(at.kind));
  }
  return text;
}

cudaError_t check_device_accessible(const char* call, const char* argument, const void* p,
                                    std::size_t bytes) {
  if (bytes == 0) return cudaSuccess;
  const MemoryKind kind = classify(p, bytes);
  if (kind == MemoryKind::Device || kind == MemoryKind::PinnedHost) return cudaSuccess;
  InternalScope scope;
  std::fprintf(stderr, "splat emu: %s: %s %s; a kernel needs device or pinned memory\n", call,
               argument, describe_range(p, bytes).c_str());
  return cudaErrorInvalidValue;  // returned, not kept as last error: CUB's own checks are not
}

}  // namespace splat::emu

using splat::emu::MemoryKind;

extern "C" {

cudaError_t cudaMalloc(void** devPtr, size_t size) {
  return splat::emu::allocate(devPtr, size, MemoryKind::Device, "cudaMalloc");
}

cudaError_t cudaFree(void* devPtr) {
  return splat::emu::deallocate(devPtr, MemoryKind::Device, "cudaFree");
}

cudaError_t cudaMallocHost(void** ptr, size_t size) {
  return splat::emu::allocate(ptr, size, MemoryKind::PinnedHost, "cudaMallocHost");
}

cudaError_t cudaHostAlloc(void** pHost, size_t size, unsigned int flags) {
  constexpr unsigned int kKnown =
      cudaHostAllocPortable | cudaHostAllocMapped | cudaHostAllocWriteCombined;
  if ((flags & ~kKnown) != 0) return splat::emu::fail(cudaErrorInvalidValue);
  return splat::emu::allocate(pHost, size, MemoryKind::PinnedHost, "cudaHostAlloc");
}

cudaError_t cudaFreeHost(void* ptr) {
  return splat::emu::deallocate(ptr, MemoryKind::PinnedHost, "cudaFreeHost");
}

cudaError_t cudaMemGetInfo(size_t* free, size_t* total) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  if (free == nullptr || total == nullptr) return splat::emu::fail(cudaErrorInvalidValue);
  const std::size_t capacity = splat::emu::emulated_device_properties().totalGlobalMem;
  std::size_t used = 0;
  {
    splat::emu::InternalScope scope;
    auto& h = splat::emu::heap();
    std::lock_guard lock(h.mutex);
    used = h.device_bytes;
  }
  *free = capacity - used;
  *total = capacity;
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind kind) {
  return splat::emu::copy(dst, src, count, kind, nullptr, "cudaMemcpy", /*synchronous=*/true);
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind,
                            cudaStream_t stream) {
  return splat::emu::copy(dst, src, count, kind, stream, "cudaMemcpyAsync", false);
}

// CUDA: asynchronous to the host, on the legacy default stream, except into pinned memory.
cudaError_t cudaMemset(void* devPtr, int value, size_t count) {
  return splat::emu::fill(devPtr, value, count, nullptr, "cudaMemset", true);
}

cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count, cudaStream_t stream) {
  return splat::emu::fill(devPtr, value, count, stream, "cudaMemsetAsync", false);
}

}  // extern "C"
