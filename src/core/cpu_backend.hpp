// The CPU backend: "device" memory is host memory, and every stream is a real worker thread,
// so copies overlap compute exactly as on a GPU and a missing wait shows up as a wrong result
// (or a ThreadSanitizer report) here rather than only on a GPU.
#pragma once

#include "core/backend.hpp"

namespace splat {

class CpuBackend final : public Backend {
 public:
  BackendKind kind() const override { return BackendKind::Cpu; }
  std::string description() const override;
  void* allocate(MemorySpace space, std::size_t bytes) override;
  void deallocate(MemorySpace space, void* ptr) noexcept override;
  std::unique_ptr<Stream> create_stream() override;
  std::unique_ptr<Event> create_event() override;
  std::unique_ptr<Event> create_timing_event() override;
  DeviceMemoryInfo device_memory() const override;
};

}  // namespace splat
