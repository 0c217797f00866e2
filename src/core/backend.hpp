// The backend interface: memory, streams and events. Training code talks to this and never
// to CUDA or to the CPU worker threads directly.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/memory_space.hpp"

namespace splat {

enum class BackendKind { Cpu, Cuda };

class Event;

// An in-order queue of work. Everything enqueued runs after everything enqueued before it;
// pointers handed to a stream must stay valid until the stream has reached them.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual void copy_async(void* dst, const void* src, std::size_t bytes) = 0;
  virtual void fill_async(void* dst, unsigned char value, std::size_t bytes) = 0;
  // Runs a host function in stream order (CPU kernels run this way; on CUDA it must not call
  // the CUDA API).
  virtual void host_task(std::function<void()> task) = 0;
  // Later work on this stream waits for the work `event` captured when it was last recorded.
  virtual void wait(const Event& event) = 0;
  // Blocks until all enqueued work is done; rethrows the first failure of a task.
  virtual void synchronize() = 0;
  // cudaStream_t for CUDA streams, nullptr for CPU streams.
  virtual void* native_handle() const = 0;
};

// Marks a point in a stream that other streams or the host can wait for.
class Event {
 public:
  virtual ~Event() = default;
  virtual void record(Stream& stream) = 0;
  virtual void synchronize() const = 0;
  virtual bool ready() const = 0;
  // Seconds from the moment the stream reached `earlier` (its last record) to the moment it
  // reached this event, on the stream's own clock (the device's on CUDA); both must be
  // complete, and on CUDA both must come from create_timing_event().
  virtual double seconds_since(const Event& earlier) const = 0;
};

struct DeviceMemoryInfo {
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;
  virtual std::string description() const = 0;
  // Raw allocation; large device allocations go through DeviceArena instead.
  virtual void* allocate(MemorySpace space, std::size_t bytes) = 0;
  virtual void deallocate(MemorySpace space, void* ptr) noexcept = 0;
  virtual std::unique_ptr<Stream> create_stream() = 0;
  virtual std::unique_ptr<Event> create_event() = 0;
  // An event that also keeps when the stream reached it (seconds_since()); dearer on CUDA.
  virtual std::unique_ptr<Event> create_timing_event() = 0;
  virtual DeviceMemoryInfo device_memory() const = 0;
  // Waits until the device has finished all work of every stream (cudaDeviceSynchronize). The
  // arena's red zones need it: they write a reused block from the host, which is safe only
  // once the kernels that used it last have finished. CPU streams are waited for by their
  // owners, so the CPU backend has nothing to wait for here.
  virtual void synchronize_device() {}
};

constexpr const char* backend_kind_name(BackendKind kind) {
  return kind == BackendKind::Cuda ? "cuda" : "cpu";
}

}  // namespace splat
