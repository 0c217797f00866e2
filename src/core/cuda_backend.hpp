// The CUDA backend (runtime API only): cudaMalloc / cudaHostAlloc memory, non-blocking streams,
// timing-free events.
#pragma once

#include <string>

#include "core/backend.hpp"

namespace splat {

bool cuda_device_usable(std::string* why);

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device_index);
  BackendKind kind() const override { return BackendKind::Cuda; }
  std::string description() const override { return description_; }
  void* allocate(MemorySpace space, std::size_t bytes) override;
  void deallocate(MemorySpace space, void* ptr) noexcept override;
  std::unique_ptr<Stream> create_stream() override;
  std::unique_ptr<Event> create_event() override;
  std::unique_ptr<Event> create_timing_event() override;
  DeviceMemoryInfo device_memory() const override;
  void synchronize_device() override;
  int device_index() const { return device_; }

 private:
  int device_;
  std::string description_;
};

}  // namespace splat
