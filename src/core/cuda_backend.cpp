#include "core/cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <utility>

#include "core/byte_size.hpp"
#include "core/cuda_check.hpp"
#include "core/log.hpp"

namespace splat {

namespace {

class CudaStream final : public Stream {
 public:
  CudaStream() { SPLAT_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
  ~CudaStream() override {
    cudaStreamSynchronize(stream_);
    cudaStreamDestroy(stream_);
  }
  void copy_async(void* dst, const void* src, std::size_t bytes) override {
    SPLAT_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream_));
  }
  void fill_async(void* dst, unsigned char value, std::size_t bytes) override {
    SPLAT_CUDA_CHECK(cudaMemsetAsync(dst, value, bytes, stream_));
  }
  void host_task(std::function<void()> task) override {
    auto* payload = new HostTask{std::move(task), this};
    SPLAT_CUDA_CHECK(cudaLaunchHostFunc(stream_, &CudaStream::run_host_task, payload));
  }
  void wait(const Event& event) override;
  void synchronize() override {
    SPLAT_CUDA_CHECK(cudaStreamSynchronize(stream_));
    std::lock_guard lock(failure_mutex_);
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }
  void* native_handle() const override { return stream_; }

 private:
  struct HostTask {
    std::function<void()> run;
    CudaStream* stream;
  };
  // Host functions cannot throw into the CUDA runtime: keep the failure for synchronize().
  static void CUDART_CB run_host_task(void* data) {
    auto* task = static_cast<HostTask*>(data);
    try {
      task->run();
    } catch (...) {
      std::lock_guard lock(task->stream->failure_mutex_);
      if (!task->stream->failure_) task->stream->failure_ = std::current_exception();
    }
    delete task;
  }

  cudaStream_t stream_ = nullptr;
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
};

class CudaEvent final : public Event {
 public:
  explicit CudaEvent(bool timing = false) {
    SPLAT_CUDA_CHECK(
        cudaEventCreateWithFlags(&event_, timing ? cudaEventDefault : cudaEventDisableTiming));
  }
  ~CudaEvent() override { cudaEventDestroy(event_); }
  void record(Stream& stream) override {
    SPLAT_CUDA_CHECK(cudaEventRecord(event_, static_cast<cudaStream_t>(stream.native_handle())));
  }
  void synchronize() const override { SPLAT_CUDA_CHECK(cudaEventSynchronize(event_)); }
  bool ready() const override {
    const cudaError_t status = cudaEventQuery(event_);
    if (status == cudaErrorNotReady) return false;
    SPLAT_CUDA_CHECK(status);
    return true;
  }
  double seconds_since(const Event& earlier) const override {
    const auto* start = dynamic_cast<const CudaEvent*>(&earlier);
    SPLAT_REQUIRE(start != nullptr, "a CUDA event cannot be timed against another backend's");
    float milliseconds = 0;
    SPLAT_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start->event_, event_));
    return milliseconds / 1000.0;
  }
  cudaEvent_t handle() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

void CudaStream::wait(const Event& event) {
  const auto* cuda_event = dynamic_cast<const CudaEvent*>(&event);
  SPLAT_REQUIRE(cuda_event != nullptr, "a CUDA stream cannot wait for an event of another backend");
  SPLAT_CUDA_CHECK(cudaStreamWaitEvent(stream_, cuda_event->handle(), 0));
}

}  // namespace

bool cuda_device_usable(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (why) *why = str_cat("CUDA reports ", cudaGetErrorString(status));
    cudaGetLastError();  // clear the error so later calls do not see it
    return false;
  }
  if (count == 0) {
    if (why) *why = "no CUDA device found";
    return false;
  }
  return true;
}

CudaBackend::CudaBackend(int device_index) : device_(device_index) {
  SPLAT_CUDA_CHECK(cudaSetDevice(device_));
  cudaDeviceProp props{};
  SPLAT_CUDA_CHECK(cudaGetDeviceProperties(&props, device_));
  description_ = str_cat("CUDA device ", device_, ": ", props.name, " (sm_", props.major,
                         props.minor, ", ", format_bytes(props.totalGlobalMem), ")");
}

void* CudaBackend::allocate(MemorySpace space, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  void* ptr = nullptr;
  switch (space) {
    case MemorySpace::Device:
      SPLAT_CUDA_CHECK(cudaMalloc(&ptr, bytes));
      break;
    case MemorySpace::PinnedHost:
      SPLAT_CUDA_CHECK(cudaHostAlloc(&ptr, bytes, cudaHostAllocDefault));
      break;
    case MemorySpace::PageableHost:
      ptr = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
      SPLAT_REQUIRE(ptr != nullptr, "out of host memory allocating ", format_bytes(bytes));
      break;
  }
  return ptr;
}

void CudaBackend::deallocate(MemorySpace space, void* ptr) noexcept {
  if (!ptr) return;
  cudaError_t status = cudaSuccess;
  switch (space) {
    case MemorySpace::Device:
      status = cudaFree(ptr);
      break;
    case MemorySpace::PinnedHost:
      status = cudaFreeHost(ptr);
      break;
    case MemorySpace::PageableHost:
      std::free(ptr);
      break;
  }
  if (status != cudaSuccess) log_error("CUDA free failed: ", cudaGetErrorString(status));
}

std::unique_ptr<Stream> CudaBackend::create_stream() {
  return std::make_unique<CudaStream>();
}

std::unique_ptr<Event> CudaBackend::create_timing_event() {
  return std::make_unique<CudaEvent>(true);
}

std::unique_ptr<Event> CudaBackend::create_event() {
  return std::make_unique<CudaEvent>();
}

void CudaBackend::synchronize_device() {
  SPLAT_CUDA_CHECK(cudaDeviceSynchronize());
}

DeviceMemoryInfo CudaBackend::device_memory() const {
  DeviceMemoryInfo info;
  SPLAT_CUDA_CHECK(cudaMemGetInfo(&info.free_bytes, &info.total_bytes));
  return info;
}

}  // namespace splat
